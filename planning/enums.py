"""The task book (任务书) of a project in 培育: its states and allowed moves, as data.

A task book goes 草稿 → 已提交（待二级党组织审核）→ 二级党组织已审核（待组织部确认）→ 组织部已确认, or back
to 已退回修改 with comments, like a progress report. A confirmed book is never edited: a change is a new
version (草稿 again, with a reason), and every earlier version stays readable.
"""

from django.db import models

from cultivation.enums import Actor
from transitions.moves import Move


class TaskBookState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交，待二级党组织审核"
    ENDORSED = "endorsed", "二级党组织已审核，待组织部确认"
    CONFIRMED = "confirmed", "组织部已确认"
    RETURNED = "returned", "已退回修改"


class TaskStatus(models.TextChoices):
    PLANNED = "planned", "未开始"
    ONGOING = "ongoing", "进行中"
    DONE = "done", "已完成"


T = TaskBookState
TASKBOOK_MOVES = {
    move.name: move
    for move in [
        Move("submit", "提交任务书", (T.DRAFT, T.RETURNED), T.SUBMITTED, (Actor.SECRETARY,),
             done="已提交", event="提交任务书"),
        # A 直属党支部 has no 二级党组织 staff above it, so 组织部 may review as well.
        Move("endorse", "审核通过", (T.SUBMITTED,), T.ENDORSED, (Actor.UNIT, Actor.SCHOOL),
             comment_field="unit_comment", done="已审核通过", event="审核通过任务书"),
        Move("confirm", "确认任务书", (T.ENDORSED,), T.CONFIRMED, (Actor.SCHOOL,), comment_field="school_comment",
             done="已确认", event="确认任务书"),
        Move("return_submitted", "退回修改", (T.SUBMITTED,), T.RETURNED, (Actor.UNIT, Actor.SCHOOL),
             needs_reason=True, comment_field="return_reason", done="已退回修改", event="退回任务书"),
        Move("return_endorsed", "退回修改", (T.ENDORSED,), T.RETURNED, (Actor.SCHOOL,),
             needs_reason=True, comment_field="return_reason", done="已退回修改", event="退回任务书"),
    ]
}

EDITABLE_TASKBOOK_STATES = {T.DRAFT, T.RETURNED}

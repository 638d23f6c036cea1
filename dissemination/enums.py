"""The publicity piece (宣传稿件) of a project: its kinds, states and allowed moves, as data.

A piece goes 草稿 → 已提交（待二级党组织审核）→ 二级党组织已审核（待组织部审核）→ 组织部已审核通过, or back to
已退回修改 with comments, like a task book. Only an approved piece is published (the showcase and its feed).
"""

from django.db import models

from cultivation.enums import CULTIVATED_STATES, Actor, ProjectState
from cultivation.reports.enums import publication_moves
from transitions.moves import Move


class PieceKind(models.TextChoices):
    STORY = "story", "创建纪实报道"
    BRIEF = "brief", "新闻简稿"
    BULLETIN = "bulletin", "工作专报"


class PieceState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交，待二级党组织审核"
    ENDORSED = "endorsed", "二级党组织已审核，待组织部审核"
    APPROVED = "approved", "组织部已审核通过"
    RETURNED = "returned", "已退回修改"


P = PieceState
PIECE_MOVES = {
    move.name: move
    for move in [
        Move("submit", "提交审核", (P.DRAFT, P.RETURNED), P.SUBMITTED, (Actor.SECRETARY,),
             done="已提交审核", event="提交宣传稿件"),
        # A 直属党支部 has no 二级党组织 staff above it, so 组织部 may review as well (as for the task book).
        Move("endorse", "审核通过", (P.SUBMITTED,), P.ENDORSED, (Actor.UNIT, Actor.SCHOOL),
             comment_field="unit_comment", done="已通过二级党组织审核", event="二级党组织审核通过宣传稿件"),
        Move("approve", "审核通过并发布", (P.ENDORSED,), P.APPROVED, (Actor.SCHOOL,), comment_field="school_comment",
             done="已通过组织部审核", event="组织部审核通过宣传稿件"),
        Move("return_submitted", "退回修改", (P.SUBMITTED,), P.RETURNED, (Actor.UNIT, Actor.SCHOOL),
             needs_reason=True, comment_field="return_reason", done="已退回修改", event="退回宣传稿件"),
        Move("return_endorsed", "退回修改", (P.ENDORSED,), P.RETURNED, (Actor.SCHOOL,),
             needs_reason=True, comment_field="return_reason", done="已退回修改", event="退回宣传稿件"),
    ]
}

EDITABLE_PIECE_STATES = {P.DRAFT, P.RETURNED}
# A piece tells of a cultivation target's work: from recognition (培育中) to 通过验收; a project that
# failed its acceptance has nothing to publicise.
PIECE_PROJECT_STATES = CULTIVATED_STATES - {ProjectState.FAILED}

# The micro-video's review before publication: the same moves as the evidence pictures (its own table).
VIDEO_PUBLICATION_MOVES = publication_moves("示范建设微视频")

"""常态化跟踪指导 and 表彰奖励: the kinds of guidance, and a difficulty thread's states and moves, as data.

A difficulty (困难和问题) is raised by the branch with the level above it: its 二级党组织, or 组织部 for a
直属党支部 (or when the 二级党组织 passes it up). It waits for an answer (待答复), is answered (已答复), may be
followed up by the branch (back to 待答复), and stays on the project until the raiser or the answering level
closes it (已关闭). Every answer, follow-up and closing note is a reply of the thread.
"""

from django.db import models

from cultivation.enums import Actor
from transitions.moves import Move


class GuidanceKind(models.TextChoices):
    VISIT = "visit", "走访"
    TALK = "talk", "谈心谈话"
    ONSITE = "onsite", "现场指导"
    OTHER = "other", "其他"


class DifficultyState(models.TextChoices):
    OPEN = "open", "待答复"
    ANSWERED = "answered", "已答复"
    CLOSED = "closed", "已关闭"


class CommendationSubject(models.TextChoices):
    ORGANIZATION = "organization", "集体（基层党组织）"
    PERSON = "person", "个人（党员骨干）"


D = DifficultyState
DIFFICULTY_MOVES = {
    move.name: move
    for move in [
        Move("answer", "答复", (D.OPEN, D.ANSWERED), D.ANSWERED, (Actor.UNIT, Actor.SCHOOL), needs_reason=True,
             done="已答复", event="答复困难问题"),
        Move("follow_up", "补充说明", (D.OPEN, D.ANSWERED), D.OPEN, (Actor.SECRETARY,), needs_reason=True,
             done="有补充说明", event="补充说明困难问题"),
        # The 二级党组织 (or the branch) passes a difficulty it cannot solve up to 组织部.
        Move("escalate", "提请组织部协调", (D.OPEN, D.ANSWERED), D.OPEN, (Actor.SECRETARY, Actor.UNIT),
             needs_reason=True, done="已提请组织部协调", event="提请组织部协调困难问题"),
        Move("close", "关闭问题", (D.OPEN, D.ANSWERED), D.CLOSED, (Actor.SECRETARY, Actor.UNIT, Actor.SCHOOL),
             done="已关闭", event="关闭困难问题"),
    ]
}

OPEN_DIFFICULTY_STATES = (D.OPEN, D.ANSWERED)

"""Round phases, combining methods, kinds of branch and the score sheet's states and moves, as data."""

from django.db import models

from branches.enums import BranchCategory, BranchType
from transitions.moves import Move


class RoundPhase(models.TextChoices):
    MIDTERM = "midterm", "中期评估"
    FINAL = "final", "验收"


class Method(models.TextChoices):
    MEAN = "mean", "算术平均"
    TRIMMED = "trimmed", "去掉一个最高分和一个最低分后平均"


class BranchKind(models.TextChoices):
    """The kinds of branch seed 002 (三、(二) 特色要求) sets its own requirements for."""

    BUSINESS = "business", "教职工党支部（教学科研等业务机构）"
    SERVICE = "service", "教职工党支部（行政管理、服务保障机构）"
    STUDENT = "student", "学生党支部"


# 教辅 (library, information centre...) serves the school rather than teaching it: a service unit.
SERVICE_CATEGORIES = {BranchCategory.ADMINISTRATION, BranchCategory.LOGISTICS, BranchCategory.TEACHING_SUPPORT}


def branch_kind(organization):
    """The kind of branch for the 特色要求, or "" for an organization that is not a typed branch."""
    if organization.branch_type == BranchType.STUDENT:
        return BranchKind.STUDENT
    if organization.branch_type == BranchType.FACULTY:
        return BranchKind.SERVICE if organization.category in SERVICE_CATEGORIES else BranchKind.BUSINESS
    return ""


class RoundState(models.TextChoices):
    OPEN = "open", "评审中"
    CLOSED = "closed", "评审结束，待发布结果"
    PUBLISHED = "published", "结果已发布"


class SheetState(models.TextChoices):
    ASSIGNED = "assigned", "待评分"
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    WITHDRAWN = "withdrawn", "已撤回分配"


class SelfState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"


class Who(models.TextChoices):
    REVIEWER = "reviewer", "评审专家本人"
    STAFF = "staff", "组织部"
    BRANCH = "branch", "本支部书记"


S = SheetState
SHEET_MOVES = {
    move.name: move
    for move in [
        Move("save", "保存草稿", (S.ASSIGNED, S.DRAFT), S.DRAFT, (Who.REVIEWER,)),
        Move("submit", "提交评分", (S.ASSIGNED, S.DRAFT), S.SUBMITTED, (Who.REVIEWER,)),
        # Scores read from a sheet filled on paper at a panel meeting, entered by staff.
        Move("record", "录入线下评分", (S.ASSIGNED, S.DRAFT), S.SUBMITTED, (Who.STAFF,)),
        Move("reopen", "退回重评", (S.SUBMITTED,), S.DRAFT, (Who.STAFF,), needs_reason=True),
        Move("withdraw", "撤回分配", (S.ASSIGNED, S.DRAFT, S.SUBMITTED), S.WITHDRAWN, (Who.STAFF,)),
        Move("reassign", "重新分配", (S.WITHDRAWN,), S.ASSIGNED, (Who.STAFF,)),
        # A conflict declared by the reviewer, or by staff for them, withdraws their live sheets at once.
        Move("recuse", "因申报回避撤回", (S.ASSIGNED, S.DRAFT, S.SUBMITTED), S.WITHDRAWN, (Who.REVIEWER, Who.STAFF)),
    ]
}
# Sheets that count towards a reviewer's load and a project's panel.
ACTIVE_SHEET_STATES = (S.ASSIGNED, S.DRAFT, S.SUBMITTED)

R = RoundState
ROUND_MOVES = {
    move.name: move
    for move in [
        Move("close", "结束评审", (R.OPEN,), R.CLOSED, (Who.STAFF,)),
        Move("reopen", "重新开放评审", (R.CLOSED,), R.OPEN, (Who.STAFF,), needs_reason=True),
        Move("publish", "发布结果", (R.CLOSED,), R.PUBLISHED, (Who.STAFF,)),
    ]
}


D = SelfState
SELF_MOVES = {
    move.name: move
    for move in [
        Move("save", "保存自评", (D.DRAFT,), D.DRAFT, (Who.BRANCH,)),
        Move("submit", "提交自评", (D.DRAFT,), D.SUBMITTED, (Who.BRANCH,)),
    ]
}

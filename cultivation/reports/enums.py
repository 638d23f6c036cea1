"""Progress reports (培育阶段进展报告): their states and allowed moves, and the kinds of evidence, as data.

A report goes 草稿 → 已提交 → 二级党组织已审核 → 组织部已确认, or back to 已退回修改 (from 已提交 or from
二级党组织已审核) with comments, whence the secretary corrects and submits again. Every move happens in
`cultivation.reports.services.report_move`, which reads this table.
"""

from django.db import models

from transitions.moves import Move

from ..enums import Actor, ProjectState


class ReportState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交，待二级党组织审核"
    ENDORSED = "endorsed", "二级党组织已审核，待组织部确认"
    ACCEPTED = "accepted", "组织部已确认"
    RETURNED = "returned", "已退回修改"


R = ReportState
REPORT_MOVES = {
    move.name: move
    for move in [
        Move("submit", "提交报告", (R.DRAFT, R.RETURNED), R.SUBMITTED, (Actor.SECRETARY,),
             done="已提交", event="提交进展报告"),
        # A 直属党支部 has no 二级党组织 staff above it, so 组织部 may endorse as well.
        Move("endorse", "审核通过", (R.SUBMITTED,), R.ENDORSED, (Actor.UNIT, Actor.SCHOOL),
             comment_field="unit_comment", done="已审核通过", event="审核通过进展报告"),
        Move("accept", "确认报告", (R.ENDORSED,), R.ACCEPTED, (Actor.SCHOOL,), comment_field="school_comment",
             done="已确认", event="确认进展报告"),
        Move("return_submitted", "退回修改", (R.SUBMITTED,), R.RETURNED, (Actor.UNIT, Actor.SCHOOL),
             needs_reason=True, comment_field="return_reason", done="已退回修改", event="退回进展报告"),
        # Once endorsed the report sits with 组织部; the 二级党组织 has had its say.
        Move("return_endorsed", "退回修改", (R.ENDORSED,), R.RETURNED, (Actor.SCHOOL,),
             needs_reason=True, comment_field="return_reason", done="已退回修改", event="退回进展报告"),
    ]
}

# The secretary may still edit the report and its evidence.
EDITABLE_REPORT_STATES = {R.DRAFT, R.RETURNED}
# Handed in: neither due nor overdue any more.
HANDED_IN_STATES = {R.SUBMITTED, R.ENDORSED, R.ACCEPTED}
# Projects still being built (培育中, its mid-term materials under assessment, 整改中): their periods
# fall due, are listed and reminded, and their reports may be begun, edited and submitted. Once the
# final materials are handed in (验收材料已提交) and after the verdict (通过验收, 未通过验收) a project
# keeps its reports for reading, but nothing of it is due any more; a project sent back to 整改
# is due again.
OPEN_PROJECT_STATES = {ProjectState.RECOGNIZED, ProjectState.MIDTERM_SUBMITTED, ProjectState.RECTIFYING}


class Channel(models.TextChoices):
    CAMPUS_NEWS = "campus_news", "数字校园新闻"
    WECHAT_GROUP = "wechat_group", "微信群"
    WECHAT_ACCOUNT = "wechat_account", "微信公众号"
    XUEXI = "xuexi", "学习强国"
    E_PIONEER = "e_pioneer", "党员E先锋"
    OTHER = "other", "其他"


class OutcomeType(models.TextChoices):
    """The six kinds of 培育成果 of seed 002, 五(三), in its order."""

    SYSTEM = "system", "党建工作制度体系、机制办法"
    METHOD = "method", "基层党建工作法、典型案例"
    BRAND = "brand", "思想政治工作品牌、育人载体"
    PLATFORM = "platform", "宣传平台、网络阵地"
    RESEARCH = "research", "研究论文、专著"
    PROMOTION = "promotion", "经验推广示范、辐射带动成效"


class ExemplarKind(models.TextChoices):
    PIONEER_POST = "pioneer_post", "党员先锋岗"
    PLEDGE = "pledge", "承诺践诺"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", "即将到期提醒"
    OVERDUE = "overdue", "逾期提醒"


class EvidenceKind(models.TextChoices):
    """What a secretary records besides the report text; names the delete URL's kinds."""

    ATTACHMENT = "attachment", "佐证材料"
    PUBLICATION = "publication", "宣传报道"
    OUTCOME = "outcome", "培育成果"
    EXEMPLAR = "exemplar", "先进典型"


class PublicationState(models.TextChoices):
    """Whether a picture or the micro-video a branch uploaded is public (the showcase, the booklet)."""

    PRIVATE = "private", "不公开"
    REQUESTED = "requested", "已申请公开，待二级党组织审核"
    ENDORSED = "endorsed", "二级党组织已同意，待组织部审核"
    PUBLIC = "public", "已公开"


def publication_moves(noun):
    """The review before publication, shared by the evidence pictures and the micro-video: 申请公开 by the
    secretary, 同意 by the 二级党组织 and then by the 组织部, as for a publicity piece. Each caller gets its
    own table (one table, one Machine) with events named for `noun`."""
    S = PublicationState
    return {move.name: move for move in [
        Move("request", "申请公开", (S.PRIVATE,), S.REQUESTED, (Actor.SECRETARY,),
             done="已申请公开", event=f"申请公开{noun}"),
        # A 直属党支部 has no 二级党组织 staff above it, so 组织部 may take that step too (as for pieces).
        Move("endorse", "同意公开", (S.REQUESTED,), S.ENDORSED, (Actor.UNIT, Actor.SCHOOL),
             done="已经二级党组织同意公开", event=f"二级党组织同意公开{noun}"),
        Move("approve", "同意公开并发布", (S.ENDORSED,), S.PUBLIC, (Actor.SCHOOL,),
             done="已经组织部同意，现已公开", event=f"组织部同意公开{noun}"),
        Move("decline_requested", "不同意公开", (S.REQUESTED,), S.PRIVATE, (Actor.UNIT, Actor.SCHOOL),
             needs_reason=True, done="未获二级党组织同意公开", event=f"二级党组织不同意公开{noun}"),
        Move("decline_endorsed", "不同意公开", (S.ENDORSED,), S.PRIVATE, (Actor.SCHOOL,),
             needs_reason=True, done="未获组织部同意公开", event=f"组织部不同意公开{noun}"),
        # The branch may take back its request or its material; the 组织部 may take down what it published.
        Move("withdraw", "撤回公开", (S.REQUESTED, S.ENDORSED, S.PUBLIC), S.PRIVATE, (Actor.SECRETARY,),
             done="已由支部撤回公开", event=f"撤回公开{noun}"),
        Move("take_down", "撤下", (S.PUBLIC,), S.PRIVATE, (Actor.SCHOOL,), needs_reason=True,
             done="已被组织部撤下，不再公开", event=f"撤下公开的{noun}"),
    ]}


ATTACHMENT_PUBLICATION_MOVES = publication_moves("佐证图片")

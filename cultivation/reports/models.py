"""The 培育 phase's record: progress reports on the batch's schedule, their evidence, and the funding.

Every write goes through `cultivation.reports.services` (report moves, edits, schedule, reminders) or
`cultivation.reports.evidence` (attachments, publications, outcomes, exemplars, funding). The models keep
the app label `cultivation`; cultivation/models/__init__.py imports them from here.
"""

from django.conf import settings
from django.db import models

from .enums import Channel, ExemplarKind, OutcomeType, PublicationState, ReportState

USER = settings.AUTH_USER_MODEL


def _actor(label):
    return models.ForeignKey(USER, verbose_name=label, on_delete=models.PROTECT, related_name="+", null=True,
                             blank=True, editable=False)


class ProgressReport(models.Model):
    """One period's report of one project: what the branch did, counted and told.

    A row exists once the secretary starts the period's report; a period with no row is simply not
    begun (the schedule itself is computed from the batch, see `cultivation.reports.selectors`).
    """

    project = models.ForeignKey("cultivation.Project", verbose_name="培育项目", on_delete=models.CASCADE,
                                related_name="reports")
    period_start = models.DateField("报告期开始")
    period_due = models.DateField("截止日期")
    title = models.CharField("报告期", max_length=100)
    state = models.CharField("状态", max_length=12, choices=ReportState.choices, default=ReportState.DRAFT,
                             editable=False, db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    narrative = models.TextField("工作进展", max_length=10000, blank=True,
                                 help_text="本期开展的主要工作、特色做法、取得的成效和下一步计划")
    congress_count = models.PositiveSmallIntegerField("支部党员大会（次）", default=0)
    committee_count = models.PositiveSmallIntegerField("支委会（次）", default=0)
    group_count = models.PositiveSmallIntegerField("党小组会（次）", default=0)
    lecture_count = models.PositiveSmallIntegerField("党课（次）", default=0)
    theme_day_count = models.PositiveSmallIntegerField("主题党日（次）", default=0)
    # Seeds 000 and 001 count 新发展党员 beside the meetings: the branch reports it per period.
    # db_default: the old code, still serving while the migration runs, inserts reports without it.
    new_members_count = models.PositiveSmallIntegerField("发展党员（人）", default=0, db_default=0)
    unit_comment = models.TextField("二级党组织意见", max_length=2000, blank=True, editable=False)
    school_comment = models.TextField("组织部意见", max_length=2000, blank=True, editable=False)
    return_reason = models.TextField("退回意见", max_length=2000, blank=True, editable=False)
    created_by = _actor("填写人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True, editable=False)
    submitted_by = _actor("提交人")
    endorsed_at = models.DateTimeField("审核时间", null=True, blank=True, editable=False)
    endorsed_by = _actor("审核人")
    accepted_at = models.DateTimeField("确认时间", null=True, blank=True, editable=False)
    accepted_by = _actor("确认人")
    returned_at = models.DateTimeField("退回时间", null=True, blank=True, editable=False)
    returned_by = _actor("退回人")

    COUNT_FIELDS = ["congress_count", "committee_count", "group_count", "lecture_count", "theme_day_count"]
    # Every number the secretary types: the meetings (summed in meetings_total) and the members developed.
    NUMBER_FIELDS = [*COUNT_FIELDS, "new_members_count"]

    class Meta:
        verbose_name = "进展报告"
        verbose_name_plural = "进展报告"
        ordering = ["project", "period_due"]
        constraints = [models.UniqueConstraint(fields=["project", "period_due"], name="one_report_per_period")]
        indexes = [models.Index(fields=["state", "period_due"])]

    def __str__(self):
        return f"{self.title}进展报告"

    @property
    def is_editable(self):
        from .enums import EDITABLE_REPORT_STATES

        return self.state in EDITABLE_REPORT_STATES

    @property
    def meetings_total(self):
        return sum(getattr(self, field) for field in self.COUNT_FIELDS)


class ActivityProgress(models.Model):
    """How one featured activity (特色活动) advanced in one report's period."""

    report = models.ForeignKey(ProgressReport, verbose_name="进展报告", on_delete=models.CASCADE,
                               related_name="activity_progress")
    activity = models.ForeignKey("cultivation.FeaturedActivity", verbose_name="特色活动", on_delete=models.CASCADE,
                                 related_name="progress")
    times_held = models.PositiveSmallIntegerField("开展次数", default=0)
    participants = models.PositiveIntegerField("参与人次", default=0)
    progress = models.TextField("进展情况", max_length=3000, blank=True)

    class Meta:
        verbose_name = "特色活动进展"
        verbose_name_plural = "特色活动进展"
        ordering = ["report", "activity__order", "activity_id"]
        constraints = [models.UniqueConstraint(fields=["report", "activity"], name="one_progress_per_activity")]

    def __str__(self):
        return f"{self.activity}：{self.times_held} 次"


class Evidence(models.Model):
    """What every kind of evidence shares besides its project and (optional) report: who and when."""

    created_by = models.ForeignKey(USER, verbose_name="登记人", on_delete=models.PROTECT, related_name="+",
                                   editable=False)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]


class Attachment(Evidence):
    """An evidence file (图片、PDF、Office 文档), stored under a generated name by branches.uploads."""

    project = models.ForeignKey("cultivation.Project", verbose_name="培育项目", on_delete=models.CASCADE,
                                related_name="attachments")
    report = models.ForeignKey(ProgressReport, verbose_name="所属报告", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="attachments")
    path = models.CharField("存储路径", max_length=300, editable=False)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=120)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    caption = models.CharField("说明", max_length=200, blank=True)
    # Whether the picture is public (showcase, booklet): only after the 二级党组织 and the 组织部 agreed, moved
    # by cultivation.reports.evidence.PICTURE_MACHINE. db_default: rows from before the review, and those the
    # older code inserts while the migration runs, are private.
    state = models.CharField("公开状态", max_length=12, choices=PublicationState.choices,
                             default=PublicationState.PRIVATE, db_default=PublicationState.PRIVATE, editable=False)
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    class Meta(Evidence.Meta):
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"

    def __str__(self):
        return self.original_name

    @property
    def is_image(self):
        return self.content_type.startswith("image/")

    @property
    def can_preview(self):
        """A raster image the upload check verified (never SVG or PDF): the page may show it inline."""
        from branches.uploads import INLINE_IMAGE_TYPES

        return self.content_type in INLINE_IMAGE_TYPES


class Publication(Evidence):
    """A news item published on a channel (数字校园新闻, 微信公众号, 学习强国…)."""

    project = models.ForeignKey("cultivation.Project", verbose_name="培育项目", on_delete=models.CASCADE,
                                related_name="publications")
    report = models.ForeignKey(ProgressReport, verbose_name="所属报告", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="publications")
    channel = models.CharField("发布渠道", max_length=20, choices=Channel.choices)
    title = models.CharField("标题", max_length=200)
    link = models.URLField("链接", max_length=500, blank=True)
    published_on = models.DateField("发布日期")

    class Meta(Evidence.Meta):
        verbose_name = "宣传报道"
        verbose_name_plural = "宣传报道"
        ordering = ["-published_on", "-id"]

    def __str__(self):
        return self.title


class Outcome(Evidence):
    """A 培育成果 of one of the six types."""

    project = models.ForeignKey("cultivation.Project", verbose_name="培育项目", on_delete=models.CASCADE,
                                related_name="outcomes")
    report = models.ForeignKey(ProgressReport, verbose_name="所属报告", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="outcomes")
    kind = models.CharField("成果类型", max_length=12, choices=OutcomeType.choices)
    title = models.CharField("成果名称", max_length=200)
    description = models.TextField("成果简介", max_length=3000, blank=True)
    achieved_on = models.DateField("取得日期", null=True, blank=True)

    class Meta(Evidence.Meta):
        verbose_name = "培育成果"
        verbose_name_plural = "培育成果"

    def __str__(self):
        return self.title


class Exemplar(Evidence):
    """An individual exemplar: a 党员先锋岗 or a 承诺践诺 pledge kept."""

    project = models.ForeignKey("cultivation.Project", verbose_name="培育项目", on_delete=models.CASCADE,
                                related_name="exemplars")
    report = models.ForeignKey(ProgressReport, verbose_name="所属报告", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="exemplars")
    kind = models.CharField("类型", max_length=16, choices=ExemplarKind.choices)
    person = models.CharField("党员姓名", max_length=50)
    description = models.TextField("事迹或承诺内容", max_length=2000)

    class Meta(Evidence.Meta):
        verbose_name = "先进典型"
        verbose_name_plural = "先进典型"

    def __str__(self):
        return f"{self.person}（{self.get_kind_display()}）"


class Spending(models.Model):
    """Money the branch spent on a featured activity, out of the school's allocation to it."""

    activity = models.ForeignKey("cultivation.FeaturedActivity", verbose_name="特色活动", on_delete=models.PROTECT,
                                 related_name="spendings")
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2)
    spent_on = models.DateField("支出日期")
    purpose = models.CharField("用途", max_length=200)
    created_by = models.ForeignKey(USER, verbose_name="登记人", on_delete=models.PROTECT, related_name="+",
                                   editable=False)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "经费支出"
        verbose_name_plural = "经费支出"
        ordering = ["-spent_on", "-id"]

    def __str__(self):
        return f"{self.activity} {self.amount} 元"


class Milestone(models.Model):
    """An extra due date for one project's report, besides the batch's regular schedule."""

    project = models.ForeignKey("cultivation.Project", verbose_name="培育项目", on_delete=models.CASCADE,
                                related_name="milestones")
    date = models.DateField("节点日期")
    title = models.CharField("节点名称", max_length=100)
    created_by = models.ForeignKey(USER, verbose_name="设置人", on_delete=models.PROTECT, related_name="+",
                                   editable=False)
    created_at = models.DateTimeField("设置时间", auto_now_add=True)

    class Meta:
        verbose_name = "报告节点"
        verbose_name_plural = "报告节点"
        ordering = ["project", "date"]
        constraints = [models.UniqueConstraint(fields=["project", "date"], name="one_milestone_per_day")]

    def __str__(self):
        return f"{self.title}（{self.date:%Y-%m-%d}）"

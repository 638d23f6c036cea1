"""Mid-term and final materials, feedback and its rectification, and the acceptance record.

The 中期评估 asks each project for a 阶段性工作总结 and a 成果报告; the committee answers with
整改意见 (FeedbackItem), which the branch answers and the acceptance checks again. The 收获推广
phase asks for a 工作总结报告 and at least the "四个一" (FinalDeliverable); the acceptance
(验收) reviews the materials, hears a 专题汇报 and may inspect on site (AcceptanceRecord).
"""

from django.conf import settings
from django.db import models


class ReviewStage(models.TextChoices):
    MIDTERM = "midterm", "中期评估"
    FINAL = "final", "验收"


class MidtermReport(models.Model):
    project = models.OneToOneField("cultivation.Project", verbose_name="培育项目", on_delete=models.CASCADE,
                                   related_name="midterm_report")
    summary = models.TextField("阶段性工作总结", max_length=20000, blank=True)
    outcome_report = models.TextField("成果报告", max_length=20000, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填写人", on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "中期材料"
        verbose_name_plural = "中期材料"

    def __str__(self):
        return f"{self.project} 中期材料"


class FinalReport(models.Model):
    project = models.OneToOneField("cultivation.Project", verbose_name="培育项目", on_delete=models.CASCADE,
                                   related_name="final_report")
    summary = models.TextField("工作总结报告", max_length=20000, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填写人", on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "验收材料"
        verbose_name_plural = "验收材料"

    def __str__(self):
        return f"{self.project} 验收材料"


class ReviewAttachment(models.Model):
    """A file attached to the mid-term or final materials, stored through branches.uploads."""

    project = models.ForeignKey("cultivation.Project", verbose_name="培育项目", on_delete=models.CASCADE,
                                related_name="review_attachments")
    stage = models.CharField("阶段", max_length=10, choices=ReviewStage.choices)
    path = models.CharField(max_length=300, editable=False)
    display_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100, editable=False)
    size = models.PositiveBigIntegerField("大小（字节）", editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "材料附件"
        verbose_name_plural = "材料附件"
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.display_name


class FeedbackItem(models.Model):
    """One 整改意见 from the mid-term assessment, the branch's answer, and its check at acceptance."""

    project = models.ForeignKey("cultivation.Project", verbose_name="培育项目", on_delete=models.CASCADE,
                                related_name="feedback_items")
    content = models.TextField("整改意见", max_length=3000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提出人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("提出时间", auto_now_add=True)
    response = models.TextField("整改情况", max_length=5000, blank=True)
    responded_at = models.DateTimeField("回复时间", null=True, blank=True)
    verified = models.BooleanField("验收核查：已整改到位", null=True, blank=True)
    verification_note = models.CharField("核查说明", max_length=1000, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核查人", on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True)
    verified_at = models.DateTimeField("核查时间", null=True, blank=True)

    class Meta:
        verbose_name = "整改意见"
        verbose_name_plural = "整改意见"
        ordering = ["project", "created_at", "id"]

    def __str__(self):
        return self.content[:30]


class DeliverableKind(models.TextChoices):
    """The "四个一": the least a project must deliver for acceptance."""

    EXPERIENCE = "experience", "一套可复制推广的典型经验"
    PLATFORM = "platform", "一个高质高效运作的传播平台"
    VIDEO = "video", "一个示范建设微视频"
    BOOKLET = "booklet", "一本示范建设成果资料汇编"


class FinalDeliverable(models.Model):
    project = models.ForeignKey("cultivation.Project", verbose_name="培育项目", on_delete=models.CASCADE,
                                related_name="deliverables")
    kind = models.CharField("成果类型", max_length=12, choices=DeliverableKind.choices)
    title = models.CharField("名称", max_length=150)
    description = models.TextField("简介", max_length=3000, blank=True)
    link = models.URLField("链接", max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填写人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("填写时间", auto_now_add=True)

    class Meta:
        verbose_name = "“四个一”成果"
        verbose_name_plural = "“四个一”成果"
        ordering = ["project", "kind", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.title}"


class AcceptanceRecord(models.Model):
    """How the acceptance was done: 材料审查, 专题汇报 and (optionally) 实地考察, each dated with notes."""

    project = models.OneToOneField("cultivation.Project", verbose_name="培育项目", on_delete=models.CASCADE,
                                   related_name="acceptance")
    material_review_on = models.DateField("材料审查日期", null=True, blank=True)
    material_review_notes = models.TextField("材料审查意见", max_length=3000, blank=True)
    presentation_on = models.DateField("专题汇报日期", null=True, blank=True)
    presentation_notes = models.TextField("专题汇报情况", max_length=3000, blank=True)
    site_visit_on = models.DateField("实地考察日期", null=True, blank=True)
    site_visit_notes = models.TextField("实地考察情况", max_length=3000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT,
                                    related_name="+")
    # 整改 must be done before 通过验收; where staff pass a project with items found 未整改到位 they say
    # why here, and the finding it answers is the one made before `override_at`.
    override_reason = models.TextField("未整改到位事项的处理意见", max_length=2000, blank=True,
                                       help_text="有整改意见核查为“未整改到位”而仍拟通过验收时，须写明理由")
    override_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理意见填写人", on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True)
    override_at = models.DateTimeField("处理意见填写时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "验收记录"
        verbose_name_plural = "验收记录"

    def __str__(self):
        return f"{self.project} 验收记录"

    @property
    def is_complete(self):
        """Material review and presentation are required; the site visit is optional (seed 002)."""
        return bool(self.material_review_on and self.presentation_on)

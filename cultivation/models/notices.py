from django.conf import settings
from django.db import models


class NoticeKind(models.TextChoices):
    RECOGNITION = "recognition", "拟认定培育对象公示"
    MIDTERM = "midterm", "中期评估结果公示"
    ACCEPTANCE = "acceptance", "验收结果公示"


class NoticeQuerySet(models.QuerySet):
    def managed_by(self, user):
        """Notices of the batches the user runs (Batch.objects.managed_by): the staff's side of them."""
        from .batches import Batch

        return self.filter(batch__in=Batch.objects.managed_by(user))


class Notice(models.Model):
    """A public notice (公示). It opens and closes by its dates, counted in working days."""

    batch = models.ForeignKey("cultivation.Batch", verbose_name="批次", on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField("公示类型", max_length=16, choices=NoticeKind.choices)
    title = models.CharField("标题", max_length=150)
    body = models.TextField("公示说明", max_length=5000)
    starts_on = models.DateField("公示开始")
    ends_on = models.DateField("公示截止", help_text="由开始日期与公示期（工作日）算出")
    contact = models.CharField("异议受理联系方式", max_length=200, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", on_delete=models.PROTECT,
                                     related_name="+")
    published_at = models.DateTimeField("发布时间", auto_now_add=True)
    # The latest correction and the withdrawal, kept on the row so every list shows them without a
    # query per notice; the full history, with the text as it stood before, is in NoticeRevision.
    corrected_at = models.DateTimeField("更正时间", null=True, blank=True)
    correction_reason = models.TextField("更正理由", max_length=1000, blank=True)
    withdrawn_at = models.DateTimeField("撤销时间", null=True, blank=True)
    withdrawal_reason = models.TextField("撤销理由", max_length=1000, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = "公示"
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return self.title

    def status_on(self, day):
        if day < self.starts_on:
            return "scheduled"
        if day <= self.ends_on:
            return "open"
        return "closed"

    def is_open_on(self, day):
        return self.status_on(day) == "open"

    @property
    def is_withdrawn(self):
        return self.withdrawn_at is not None


class NoticeRevisionKind(models.TextChoices):
    CORRECTION = "correction", "更正"
    WITHDRAWAL = "withdrawal", "撤销"


class NoticeRevision(models.Model):
    """A correction or the withdrawal of a published notice, with its reason and the notice as it
    stood before (title, body, contact, items with their notes), so the original stays readable."""

    notice = models.ForeignKey(Notice, verbose_name="公示", on_delete=models.PROTECT, related_name="revisions")
    kind = models.CharField("类型", max_length=12, choices=NoticeRevisionKind.choices)
    reason = models.TextField("理由", max_length=1000)
    previous = models.JSONField("原公示内容", default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "公示更正与撤销"
        verbose_name_plural = "公示更正与撤销"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.notice}"


class NoticeItem(models.Model):
    notice = models.ForeignKey(Notice, verbose_name="公示", on_delete=models.CASCADE, related_name="items")
    project = models.ForeignKey("cultivation.Project", verbose_name="培育项目", on_delete=models.PROTECT,
                                related_name="notice_items")
    note = models.CharField("公示内容", max_length=300, blank=True, help_text="如评估等次")
    order = models.PositiveSmallIntegerField("序号", default=0)
    # An item a correction took out stays, marked, so the original list can still be read.
    removed_in = models.ForeignKey(NoticeRevision, verbose_name="由更正移除", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="removed_items")

    class Meta:
        verbose_name = "公示条目"
        verbose_name_plural = "公示条目"
        ordering = ["notice", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["notice", "project"], name="unique_notice_item")]

    def __str__(self):
        return str(self.project)


class ObjectionOutcome(models.TextChoices):
    UPHELD = "upheld", "异议成立"
    DISMISSED = "dismissed", "异议不成立"
    NOTED = "noted", "已说明情况"


class Objection(models.Model):
    """An objection lodged under real name during a notice; staff answer every one."""

    notice = models.ForeignKey(Notice, verbose_name="公示", on_delete=models.PROTECT, related_name="objections")
    item = models.ForeignKey(NoticeItem, verbose_name="针对条目", on_delete=models.PROTECT, related_name="objections",
                             null=True, blank=True)
    name = models.CharField("真实姓名", max_length=50)
    contact = models.CharField("联系方式", max_length=100)
    affiliation = models.CharField("所在单位", max_length=100, blank=True)
    content = models.TextField("异议内容", max_length=3000)
    source = models.CharField("来源地址", max_length=64, blank=True)
    # Who objected, normalized (name and contact), for the per-person limit; and the one-time
    # challenge the form answered, so an answered challenge cannot be replayed.
    identity = models.CharField("提出人标识", max_length=64, blank=True, db_index=True)
    challenge = models.CharField("验证题编号", max_length=32, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    outcome = models.CharField("处理结果", max_length=12, choices=ObjectionOutcome.choices, blank=True)
    response = models.TextField("处理情况", max_length=3000, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True)
    answered_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "异议"
        verbose_name_plural = "异议"
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["challenge"], condition=~models.Q(challenge=""),
                                               name="unique_objection_challenge")]

    def __str__(self):
        return f"{self.name}：{self.content[:20]}"

    @property
    def is_answered(self):
        return self.answered_at is not None


class SpentChallenge(models.Model):
    """A 验证题 (cultivation/challenge.py) that may not be answered again: answered wrongly, or let an
    objection through. The question travels signed in the page, so only a row here can spend it; rows
    older than the question's life are pruned as new ones come."""

    nonce = models.CharField("验证题编号", max_length=32, unique=True)
    spent_at = models.DateTimeField("用掉时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "已用验证题"
        verbose_name_plural = "已用验证题"

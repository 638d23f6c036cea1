from django.conf import settings
from django.db import models


class NoticeKind(models.TextChoices):
    RECOGNITION = "recognition", "拟认定培育对象公示"
    MIDTERM = "midterm", "中期评估结果公示"
    ACCEPTANCE = "acceptance", "验收结果公示"


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


class NoticeItem(models.Model):
    notice = models.ForeignKey(Notice, verbose_name="公示", on_delete=models.CASCADE, related_name="items")
    project = models.ForeignKey("cultivation.Project", verbose_name="培育项目", on_delete=models.PROTECT,
                                related_name="notice_items")
    note = models.CharField("公示内容", max_length=300, blank=True, help_text="如评估等次")
    order = models.PositiveSmallIntegerField("序号", default=0)

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

    def __str__(self):
        return f"{self.name}：{self.content[:20]}"

    @property
    def is_answered(self):
        return self.answered_at is not None

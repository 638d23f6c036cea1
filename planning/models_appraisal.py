"""The 基层党组织书记抓党建述职评议考核 result of an organization for a year (planning.models imports this)."""

from django.conf import settings
from django.db import models


class AppraisalResult(models.TextChoices):
    # The four grades of 书记抓党建述职评议考核.
    GOOD = "good", "好"
    FAIRLY_GOOD = "fairly_good", "较好"
    AVERAGE = "average", "一般"
    POOR = "poor", "差"


class Appraisal(models.Model):
    """One organization's 述职评议 result for one year: a 二级党组织 (评议 by the 校党委) or a branch (by its
    二级党组织), recorded beside the cultivation record it was judged on."""

    organization = models.ForeignKey("branches.Organization", verbose_name="党组织", on_delete=models.CASCADE,
                                     related_name="appraisals")
    year = models.PositiveSmallIntegerField("年度")
    result = models.CharField("评议结果", max_length=12, choices=AppraisalResult.choices)
    note = models.TextField("评议意见", max_length=3000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT,
                                    related_name="+", editable=False)
    recorded_at = models.DateTimeField("记录时间", auto_now=True)

    class Meta:
        app_label = "planning"
        verbose_name = "述职评议结果"
        verbose_name_plural = "述职评议结果"
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="one_appraisal_per_year")]

    def __str__(self):
        return f"{self.organization}{self.year}年度述职评议：{self.get_result_display()}"

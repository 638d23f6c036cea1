
from django.core.exceptions import ValidationError
from django.db import models

from ..enums import LEVEL_OF_OWNER, PHASE_ORDER, BatchKind, Level, Phase


class BatchQuerySet(models.QuerySet):
    """The one scoping rule for batches. A batch belongs to its owner: 组织部 staff whose sub-tree
    holds the owner run it; everyone whose organization lies under the owner takes part in it."""

    def managed_by(self, user):
        from branches import access

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(access.staff_scope_q(user, "owner__"))

    def visible_to(self, user):
        from branches import access

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(access.staff_scope_q(user, "owner__") | models.Q(owner_id__in=access.above_ids(user)))


class Batch(models.Model):
    """A cultivation batch (培育批次) and its five phase windows."""

    name = models.CharField("批次名称", max_length=100)
    # Who runs the batch: a school's 党委, a province's 教育工委 (上级党组织) or the ministry; the level
    # follows from it. Staff see and change only the batches whose owner lies in their sub-tree.
    owner = models.ForeignKey("branches.Organization", verbose_name="主办单位", on_delete=models.PROTECT,
                              related_name="owned_batches")
    kind = models.CharField("项目类型", max_length=20, choices=BatchKind.choices, default=BatchKind.MODEL_BRANCH)
    level = models.CharField("级别", max_length=12, choices=Level.choices, default=Level.SCHOOL, editable=False)
    year = models.PositiveSmallIntegerField("年度")
    description = models.TextField("说明", blank=True)
    quota_total = models.PositiveIntegerField("培育名额（总数）", default=15)
    quota_faculty = models.PositiveIntegerField("其中教职工党支部", default=10)
    quota_student = models.PositiveIntegerField("其中学生党支部", default=5)
    cultivation_months = models.PositiveSmallIntegerField("培育周期（月）", default=18)
    notice_working_days = models.PositiveSmallIntegerField("公示期（工作日）", default=5)
    nomination_deadline = models.DateField("申报截止日期", help_text="判断“党支部创建2年以上”的基准日")
    selection_start = models.DateField("选苗开始")
    selection_end = models.DateField("选苗结束")
    recognition_start = models.DateField("认定开始")
    recognition_end = models.DateField("认定结束")
    cultivation_start = models.DateField("培育开始")
    cultivation_end = models.DateField("培育结束")
    midterm_start = models.DateField("中期评估开始")
    midterm_end = models.DateField("中期评估结束")
    harvest_start = models.DateField("收获推广开始")
    harvest_end = models.DateField("收获推广结束")
    report_every_months = models.PositiveSmallIntegerField("进展报告周期（月）", default=1)
    report_due_day = models.PositiveSmallIntegerField("报告截止日（每期第几天）", default=25)
    # On by default: seed 002 spreads about 15 places over the school's branches so that 点上的经验
    # reach 面上; a branch already cultivated in another batch of this kind and level would take one
    # twice. Staff turn it off for a batch that deliberately takes branches again.
    one_project_per_branch = models.BooleanField(
        "每个组织限一个在培项目", default=True,
        help_text="勾选后，已在同类型、同级别的其他批次列入培育的组织不能在本批次申报、推荐或认定；不勾选则只提示")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = BatchQuerySet.as_manager()

    class Meta:
        verbose_name = "培育批次"
        verbose_name_plural = "培育批次"
        ordering = ["-year", "-selection_start"]

    def __str__(self):
        return self.name

    def window(self, phase):
        return getattr(self, f"{phase}_start"), getattr(self, f"{phase}_end")

    def windows(self):
        return [(Phase(phase), *self.window(phase)) for phase in PHASE_ORDER]

    def phase_on(self, day):
        """The phase whose window holds the day; between windows, the last one begun; None before."""
        current = None
        for phase, start, end in self.windows():
            if start <= day:
                current = phase
        return current

    def is_finished(self, day):
        return day > self.harvest_end

    def phase_text(self, day):
        """The batch's phase on `day` as the batch list and its export say it."""
        if self.is_finished(day):
            return "已结束"
        phase = self.phase_on(day)
        return phase.label if phase else "未开始"

    def progress_percent(self, day):
        total = (self.harvest_end - self.selection_start).days or 1
        done = (min(max(day, self.selection_start), self.harvest_end) - self.selection_start).days
        return round(100 * done / total)

    def save(self, *args, **kwargs):
        if self.owner_id:
            self.level = LEVEL_OF_OWNER.get(self.owner.kind, self.level)
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.owner_id and self.owner.kind not in LEVEL_OF_OWNER:
            errors["owner"] = "主办单位应为学校党委、上级党组织（如省委教育工委）或教育部"
        previous_end = None
        for phase, start, end in self.windows():
            if start and end and start > end:
                errors[f"{phase}_end"] = f"{phase.label}的结束日期不能早于开始日期"
            if previous_end and start and start < previous_end:
                errors[f"{phase}_start"] = f"{phase.label}不能早于上一阶段结束"
            previous_end = end
        if self.quota_faculty + self.quota_student > self.quota_total:
            errors["quota_total"] = "教职工与学生党支部名额之和不能超过总名额"
        if self.nomination_deadline and self.selection_end and self.nomination_deadline > self.selection_end:
            errors["nomination_deadline"] = "申报截止日期应在选苗阶段之内"
        if errors:
            raise ValidationError(errors)


class UnitQuota(models.Model):
    """An optional cap on how many nominations one 二级党组织 may forward in a batch."""

    batch = models.ForeignKey(Batch, verbose_name="批次", on_delete=models.CASCADE, related_name="unit_quotas")
    unit = models.ForeignKey("branches.Organization", verbose_name="二级党组织", on_delete=models.PROTECT)
    quota = models.PositiveIntegerField("推荐名额")

    class Meta:
        verbose_name = "二级党组织推荐名额"
        verbose_name_plural = "二级党组织推荐名额"
        constraints = [models.UniqueConstraint(fields=["batch", "unit"], name="unique_unit_quota")]

    def __str__(self):
        return f"{self.unit} {self.quota}"


class Holiday(models.Model):
    """A local change to the official calendar (which comes from the chinesecalendar package, see
    cultivation/holidays.py): a day off the state does not give, or a working day it does not make.
    A row here wins over the official calendar for its date."""

    date = models.DateField("日期", unique=True)
    name = models.CharField("名称", max_length=30)
    is_workday = models.BooleanField("上班", default=False, help_text="勾选：当天上班（如调休）；不勾选：当天放假")

    class Meta:
        verbose_name = "节假日（本地调整）"
        verbose_name_plural = "节假日（本地调整）"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"


class HolidayYear(models.Model):
    """A year whose whole schedule staff entered by hand, because the chinesecalendar package does not
    know it yet. Without it (or the package), a 公示 period reaching into the year is not counted."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "本地录入的节假日年度"
        verbose_name_plural = "本地录入的节假日年度"
        ordering = ["year"]

    def __str__(self):
        return f"{self.year}年"

"""Rubrics (versioned data), evaluation rounds, score sheets, self-evaluations and declared conflicts.

States change only through `evaluations.services`; a rubric that has been used for a score is frozen
here, in the model, so no path (page, admin, shell) can rewrite what a score was given against.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from cultivation.enums import BatchKind, Grade

from . import scoring
from .enums import BranchKind, Method, RoundPhase, RoundState, SelfState, SheetState

USED_MESSAGE = "该评分细则已用于评分，不能修改；请复制为新版本后修改"


class RubricLocked(ValidationError):
    pass


class Rubric(models.Model):
    """One version of a rubric. A new version is a new row (`services.rubric_revise`)."""

    code = models.CharField("细则编号", max_length=32, help_text="同一细则的各版本共用一个编号")
    version = models.PositiveSmallIntegerField("版本", default=1)
    name = models.CharField("名称", max_length=100)
    description = models.TextField("说明", blank=True, max_length=3000)
    # Which batches it judges: 标杆院系 by their own standard (the “五个到位”), never by a branch rubric.
    batch_kind = models.CharField("适用项目类型", max_length=20, choices=BatchKind.choices,
                                  default=BatchKind.MODEL_BRANCH, db_default=BatchKind.MODEL_BRANCH,
                                  help_text="标杆院系批次的评估轮次只能选用“标杆院系”的评分细则（五个到位）")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT,
                                   related_name="+", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "评分细则"
        verbose_name_plural = "评分细则"
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="unique_rubric_version")]

    def __str__(self):
        return f"{self.name}（第{self.version}版）"

    def is_used(self):
        if self.pk is None:
            return False
        return (Score.objects.filter(criterion__rubric_id=self.pk).exists()
                or SelfScore.objects.filter(criterion__rubric_id=self.pk).exists())

    def save(self, *args, **kwargs):
        if self.pk is not None and self.is_used():
            stored = Rubric.objects.filter(pk=self.pk).values("code", "version", "name", "description", "batch_kind").first()
            if stored and any(stored[f] != getattr(self, f) for f in stored):
                raise RubricLocked(USED_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_used():
            raise RubricLocked(USED_MESSAGE)
        return super().delete(*args, **kwargs)

    def criteria_for(self, kind):
        """The criteria that apply to a kind of branch, from the rows already fetched when prefetched."""
        return [c for c in self.criteria.all() if not c.branch_kind or c.branch_kind == kind]


class Criterion(models.Model):
    rubric = models.ForeignKey(Rubric, verbose_name="评分细则", on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField("序号", default=1)
    group = models.CharField("类别", max_length=30, default="基本要求", help_text="如：基本要求（七个有力）、特色要求")
    name = models.CharField("指标", max_length=60)
    description = models.TextField("评分要点", max_length=3000)
    max_score = models.DecimalField("满分", max_digits=5, decimal_places=2,
                                    validators=[MinValueValidator(Decimal("0.5"))])
    weight = models.DecimalField("权重", max_digits=4, decimal_places=2, default=Decimal("1"),
                                 validators=[MinValueValidator(Decimal("0.01"))])
    branch_kind = models.CharField("适用支部", max_length=12, choices=BranchKind.choices, blank=True,
                                   help_text="留空表示适用于所有党支部")

    class Meta:
        verbose_name = "评分指标"
        verbose_name_plural = "评分指标"
        ordering = ["rubric", "order", "id"]

    def __str__(self):
        return self.name

    def _refuse_if_used(self):
        if self.rubric_id and Rubric(pk=self.rubric_id).is_used():
            raise RubricLocked(USED_MESSAGE)

    def save(self, *args, **kwargs):
        self._refuse_if_used()
        if self.pk is not None:
            stored = Criterion.objects.filter(pk=self.pk).values_list("rubric_id", flat=True).first()
            if stored and stored != self.rubric_id and Rubric(pk=stored).is_used():
                raise RubricLocked(USED_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_used()
        return super().delete(*args, **kwargs)

    @property
    def weighted_max(self):
        return self.max_score * self.weight


class RoundQuerySet(models.QuerySet):
    def managed_by(self, user):
        """The rounds of the batches the user runs (`Batch.objects.managed_by`, the one rule for who runs
        a batch): 组织部 staff over the batch's owner, or above it. Superusers: every round."""
        from cultivation.models import Batch

        if user.is_authenticated and user.is_superuser:
            return self
        return self.filter(batch__in=Batch.objects.managed_by(user))


class Round(models.Model):
    """An evaluation round (中期评估 or 验收) of one batch: rubric, deadline, how scores combine, grades."""

    batch = models.ForeignKey("cultivation.Batch", verbose_name="批次", on_delete=models.PROTECT, related_name="rounds")
    phase = models.CharField("评估类型", max_length=10, choices=RoundPhase.choices)
    name = models.CharField("名称", max_length=100)
    rubric = models.ForeignKey(Rubric, verbose_name="评分细则", on_delete=models.PROTECT, related_name="rounds")
    deadline = models.DateField("评分截止日期")
    reviewers_per_project = models.PositiveSmallIntegerField("每个项目的评审专家数", default=5,
                                                             validators=[MinValueValidator(1)])
    method = models.CharField("计分方式", max_length=10, choices=Method.choices, default=Method.TRIMMED)
    trim_min_count = models.PositiveSmallIntegerField(
        "去掉最高最低分的最少评分数", default=5, validators=[MinValueValidator(3)],
        help_text="有效评分达到此数时去掉一个最高分和一个最低分，不足时取算术平均")
    excellent_min = models.DecimalField("优秀分数线", max_digits=5, decimal_places=2, default=Decimal("90"))
    good_min = models.DecimalField("良好分数线", max_digits=5, decimal_places=2, default=Decimal("80"))
    pass_min = models.DecimalField("合格分数线", max_digits=5, decimal_places=2, default=Decimal("60"))
    state = models.CharField("状态", max_length=10, choices=RoundState.choices, default=RoundState.OPEN,
                             editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    notice = models.ForeignKey("cultivation.Notice", verbose_name="结果公示", on_delete=models.PROTECT, null=True,
                               blank=True, editable=False, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT,
                                   related_name="+", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = "评估轮次"
        verbose_name_plural = "评估轮次"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.name

    @property
    def thresholds(self):
        return scoring.Thresholds(self.excellent_min, self.good_min, self.pass_min)

    @property
    def is_open(self):
        return self.state == RoundState.OPEN

    def grade_field(self):
        return "midterm_grade" if self.phase == RoundPhase.MIDTERM else "final_grade"

    def clean(self):
        errors = {}
        problems = self.thresholds.problems()
        if problems:
            errors["excellent_min"] = problems
        if errors:
            raise ValidationError(errors)


class ScoreSheet(models.Model):
    """One reviewer's assignment to one project in a round, and the scores they give it."""

    round = models.ForeignKey(Round, verbose_name="评估轮次", on_delete=models.PROTECT, related_name="sheets")
    project = models.ForeignKey("cultivation.Project", verbose_name="培育项目", on_delete=models.PROTECT,
                                related_name="score_sheets")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="评审专家", on_delete=models.PROTECT,
                                 related_name="score_sheets")
    state = models.CharField("状态", max_length=10, choices=SheetState.choices, default=SheetState.ASSIGNED,
                             editable=False, db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    comment = models.TextField("总体评语", blank=True, max_length=3000)
    total = models.DecimalField("合计", max_digits=7, decimal_places=2, null=True, blank=True, editable=False)
    percent = models.DecimalField("百分制得分", max_digits=5, decimal_places=2, null=True, blank=True, editable=False)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="分配人", on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True, editable=False)
    assigned_at = models.DateTimeField("分配时间", auto_now_add=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "评分表"
        verbose_name_plural = "评分表"
        ordering = ["round", "project", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "project", "reviewer"], name="one_sheet_per_reviewer")]
        indexes = [models.Index(fields=["reviewer", "state"]), models.Index(fields=["round", "state"])]

    def __str__(self):
        return f"{self.project.organization.name} · {self.reviewer.get_full_name() or self.reviewer.username}"

    @property
    def is_locked(self):
        return self.state in (SheetState.SUBMITTED, SheetState.WITHDRAWN)


class Score(models.Model):
    sheet = models.ForeignKey(ScoreSheet, verbose_name="评分表", on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, verbose_name="指标", on_delete=models.PROTECT, related_name="scores")
    value = models.DecimalField("得分", max_digits=5, decimal_places=2)
    comment = models.CharField("评语", max_length=500, blank=True)

    class Meta:
        verbose_name = "指标得分"
        verbose_name_plural = "指标得分"
        ordering = ["sheet", "criterion__order", "criterion_id"]
        constraints = [models.UniqueConstraint(fields=["sheet", "criterion"], name="one_score_per_criterion")]

    def __str__(self):
        return f"{self.criterion.name} {self.value}"


class SelfEvaluation(models.Model):
    """The branch's own evaluation (自评) against the round's rubric, written by its secretary."""

    round = models.ForeignKey(Round, verbose_name="评估轮次", on_delete=models.PROTECT, related_name="self_evaluations")
    project = models.ForeignKey("cultivation.Project", verbose_name="培育项目", on_delete=models.PROTECT,
                                related_name="self_evaluations")
    state = models.CharField("状态", max_length=10, choices=SelfState.choices, default=SelfState.DRAFT, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    narrative = models.TextField("自评报告", max_length=20000, blank=True)
    total = models.DecimalField("合计", max_digits=7, decimal_places=2, null=True, blank=True, editable=False)
    percent = models.DecimalField("百分制得分", max_digits=5, decimal_places=2, null=True, blank=True, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填写人", on_delete=models.PROTECT,
                               related_name="+", editable=False)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "自评"
        verbose_name_plural = "自评"
        constraints = [models.UniqueConstraint(fields=["round", "project"], name="one_self_evaluation")]

    def __str__(self):
        return f"{self.project.organization.name} 自评"


class SelfScore(models.Model):
    evaluation = models.ForeignKey(SelfEvaluation, verbose_name="自评", on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, verbose_name="指标", on_delete=models.PROTECT, related_name="self_scores")
    value = models.DecimalField("自评得分", max_digits=5, decimal_places=2)
    comment = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "自评得分"
        verbose_name_plural = "自评得分"
        ordering = ["evaluation", "criterion__order", "criterion_id"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "criterion"], name="one_self_score_per_criterion")]


class ConflictDeclaration(models.Model):
    """A reviewer's declared conflict of interest with an organization and everything under it."""

    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="评审专家", on_delete=models.CASCADE,
                                 related_name="conflicts")
    organization = models.ForeignKey("branches.Organization", verbose_name="回避的组织", on_delete=models.PROTECT,
                                     related_name="+")
    reason = models.CharField("回避原因", max_length=300)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申报人", on_delete=models.PROTECT,
                                    related_name="+", null=True, editable=False)
    created_at = models.DateTimeField("申报时间", auto_now_add=True)

    class Meta:
        verbose_name = "回避申报"
        verbose_name_plural = "回避申报"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["reviewer", "organization"], name="unique_conflict")]

    def __str__(self):
        return f"{self.reviewer} 回避 {self.organization}"


GRADE_LABELS = dict(Grade.choices)

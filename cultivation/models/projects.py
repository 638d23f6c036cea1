from django.conf import settings
from django.db import models

from ..enums import Grade, Phase, ProjectState


class ProjectQuerySet(models.QuerySet):
    def in_states(self, states):
        return self.filter(state__in=states)

    def visible_to(self, user):
        """The one scoping rule for projects: those of the organizations the user may see.

        Reviewers see projects through their assignments (the evaluations app), not here.
        """
        from branches import access

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(access.scope_q(user, "organization__"))

    def readable_by(self, user):
        """Projects whose materials the user may read: their own scope plus what other apps grant
        (settings.PROJECT_READERS, such as a reviewer's assignments)."""
        from branches.registry import declared

        if not user.is_authenticated:
            return self.none()
        condition = models.Q(pk__in=self.visible_to(user).values("pk"))
        for readers in declared("PROJECT_READERS"):
            condition |= models.Q(pk__in=readers(user))
        return self.filter(condition)


class Project(models.Model):
    """One organization in one batch, from the draft application to the acceptance decision.

    The state changes only through `cultivation.workflow`; `version` grows with every write so a
    form opened before someone else's change is refused instead of overwriting it.
    """

    batch = models.ForeignKey("cultivation.Batch", verbose_name="批次", on_delete=models.PROTECT, related_name="projects")
    organization = models.ForeignKey(
        "branches.Organization", verbose_name="培育单位", on_delete=models.PROTECT, related_name="projects"
    )
    # Who recommends the organization: its 二级党组织 in a school's batch; in a batch above, the organization
    # one level below the owner on its path (its school for a province's batch, its province for the ministry's).
    unit = models.ForeignKey(
        "branches.Organization", verbose_name="二级党组织", on_delete=models.PROTECT, related_name="+", editable=False
    )
    # In a batch above a school, the lower level's project it climbs from: its whole record (application,
    # reports, mid-term and acceptance) is read there by reference, never copied by hand.
    source = models.ForeignKey("self", verbose_name="推荐依据（下一级培育项目）", on_delete=models.PROTECT, null=True,
                               blank=True, editable=False, related_name="carried_by")
    state = models.CharField("状态", max_length=20, choices=ProjectState.choices, default=ProjectState.DRAFT,
                             editable=False, db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    title = models.CharField("创建主题", max_length=100)
    concept = models.TextField("立意", max_length=3000)
    practice = models.TextField("做法", max_length=5000)
    experience = models.TextField("经验", max_length=5000)
    plan = models.TextField("培育思路", max_length=5000)
    nomination_rank = models.PositiveSmallIntegerField("推荐排序", null=True, blank=True)
    recommendation = models.TextField("推荐意见", blank=True, max_length=2000)
    screening_note = models.TextField("筛选意见", blank=True, max_length=2000)
    midterm_grade = models.CharField("中期评估等次", max_length=12, choices=Grade.choices, blank=True)
    final_grade = models.CharField("验收等次", max_length=12, choices=Grade.choices, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT,
                                   related_name="+", null=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = "培育项目"
        verbose_name_plural = "培育项目"
        ordering = ["batch", "unit", "nomination_rank", "id"]
        constraints = [models.UniqueConstraint(fields=["batch", "organization"], name="one_project_per_batch")]
        indexes = [models.Index(fields=["batch", "state"]), models.Index(fields=["unit", "state"])]

    def __str__(self):
        return f"{self.organization.name}（{self.batch.name}）" if self.organization_id and self.batch_id else self.title


class FeaturedActivity(models.Model):
    """One of the 1–2 特色活动 a project pushes; the school funds each one."""

    project = models.ForeignKey(Project, verbose_name="培育项目", on_delete=models.CASCADE, related_name="activities")
    name = models.CharField("特色活动名称", max_length=100)
    description = models.TextField("活动内容", max_length=3000)
    planned_budget = models.DecimalField("计划经费（元）", max_digits=10, decimal_places=2, default=0)
    allocated_budget = models.DecimalField("学校支持经费（元）", max_digits=10, decimal_places=2, default=0)
    order = models.PositiveSmallIntegerField("序号", default=1)

    class Meta:
        verbose_name = "特色活动"
        verbose_name_plural = "特色活动"
        ordering = ["project", "order", "id"]

    def __str__(self):
        return self.name


class WindowExtension(models.Model):
    """Staff extend one phase's window for one project, with a reason."""

    project = models.ForeignKey(Project, verbose_name="培育项目", on_delete=models.CASCADE, related_name="extensions")
    phase = models.CharField("阶段", max_length=16, choices=Phase.choices)
    until = models.DateField("延长至")
    reason = models.CharField("原因", max_length=500)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "延期"
        verbose_name_plural = "延期"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.project} {self.get_phase_display()} 延至 {self.until}"

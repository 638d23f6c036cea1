"""常态化跟踪指导 (guidance records, difficulty threads) and 表彰奖励 (commendations) of cultivation projects.

Kept beside the task book's models (planning.models imports this module, so Django finds them). Every write
goes through planning.guidance; a difficulty's state changes only through its MACHINE.
"""

from django.conf import settings
from django.db import models

from cultivation.enums import Actor, Level

from .guidance_enums import CommendationSubject, DifficultyState, GuidanceKind

USER = settings.AUTH_USER_MODEL
# Who stands where in a thread or a record: 支部书记, 二级党组织 or 组织部 (cultivation.enums.Actor).
SIDE_CHOICES = Actor.choices


def _person(label, **kwargs):
    return models.ForeignKey(USER, verbose_name=label, on_delete=models.PROTECT, related_name="+", editable=False,
                             **kwargs)


class Guidance(models.Model):
    """One visit, talk or on-site guidance of a project by its 二级党组织 or by 组织部, with its notes."""

    project = models.ForeignKey("cultivation.Project", verbose_name="培育项目", on_delete=models.CASCADE,
                                related_name="guidance")
    kind = models.CharField("指导方式", max_length=10, choices=GuidanceKind.choices)
    held_on = models.DateField("日期")
    guides = models.CharField("指导人员", max_length=200, help_text="参加走访、谈话或指导的人员")
    notes = models.TextField("情况记录", max_length=5000, help_text="了解的情况、提出的意见和建议")
    side = models.CharField("指导层级", max_length=12, choices=SIDE_CHOICES, editable=False)
    recorded_by = _person("记录人")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "跟踪指导记录"
        verbose_name_plural = "跟踪指导记录"
        ordering = ["project", "-held_on", "-id"]
        indexes = [models.Index(fields=["project", "held_on"], name="guidance_project_date")]

    def __str__(self):
        return f"{self.get_kind_display()}（{self.held_on:%Y-%m-%d}）"


class Difficulty(models.Model):
    """A difficulty (困难和问题) a branch raises with the level above, kept as a thread until closed."""

    project = models.ForeignKey("cultivation.Project", verbose_name="培育项目", on_delete=models.CASCADE,
                                related_name="difficulties")
    title = models.CharField("问题", max_length=150)
    text = models.TextField("具体情况", max_length=5000)
    # The level expected to answer: the 二级党组织, or 组织部 (a 直属党支部, or once passed up).
    addressed_to = models.CharField("提交给", max_length=12, choices=SIDE_CHOICES, editable=False)
    state = models.CharField("状态", max_length=12, choices=DifficultyState.choices, default=DifficultyState.OPEN,
                             editable=False, db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    raised_by = _person("提出人")
    raised_at = models.DateTimeField("提出时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True, editable=False)
    closed_by = _person("关闭人", null=True, blank=True)

    class Meta:
        verbose_name = "困难和问题"
        verbose_name_plural = "困难和问题"
        ordering = ["project", "-raised_at", "-id"]

    def __str__(self):
        return self.title


class DifficultyReply(models.Model):
    """One entry of a difficulty's thread: an answer, a follow-up, a passing-up or a closing note."""

    difficulty = models.ForeignKey(Difficulty, verbose_name="困难和问题", on_delete=models.CASCADE,
                                   related_name="replies")
    move = models.CharField("办理", max_length=12, editable=False)
    side = models.CharField("答复层级", max_length=12, choices=SIDE_CHOICES, editable=False)
    text = models.TextField("内容", max_length=2000)
    author = _person("答复人")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "困难问题答复"
        verbose_name_plural = "困难问题答复"
        ordering = ["difficulty", "created_at", "id"]

    def __str__(self):
        return self.text[:30]


class Commendation(models.Model):
    """A commendation (表彰奖励) 组织部 records for an organization or one of its 党员骨干, from the results
    of an accepted project. Nothing of it shows outside 组织部 until it is published."""

    project = models.ForeignKey("cultivation.Project", verbose_name="成果来源（培育项目）", on_delete=models.PROTECT,
                                related_name="commendations")
    subject = models.CharField("表彰对象", max_length=12, choices=CommendationSubject.choices,
                               default=CommendationSubject.ORGANIZATION)
    # For a person: their name and role; for an organization the project's own organization is commended.
    person_name = models.CharField("姓名", max_length=50, blank=True)
    person_role = models.CharField("身份", max_length=50, blank=True, default="党员骨干",
                                   help_text="如党员骨干、支部书记、党员先锋岗")
    title = models.CharField("荣誉称号", max_length=100, help_text="如“先进基层党组织”“优秀共产党员”")
    level = models.CharField("表彰级别", max_length=12, choices=Level.choices)
    conferred_by = models.CharField("表彰单位", max_length=100, blank=True, help_text="如校党委、省委教育工委")
    awarded_on = models.DateField("表彰日期")
    citation = models.TextField("表彰事迹", max_length=3000, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True, editable=False)
    published_by = _person("发布人", null=True, blank=True)
    recorded_by = _person("记录人")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "表彰奖励"
        verbose_name_plural = "表彰奖励"
        ordering = ["-awarded_on", "-id"]

    def __str__(self):
        return f"{self.person_label or '集体'}：{self.title}"

    @property
    def is_published(self):
        return self.published_at is not None

    @property
    def display(self):
        """One line for the booklet and the showcase: who, what, at which level, by whom, when."""
        who = self.person_label or self.project.organization.name
        by = f"，{self.conferred_by}" if self.conferred_by else ""
        return f"{who}：{self.title}（{self.get_level_display()}{by}，{self.awarded_on:%Y年%m月}）"

    @property
    def person_label(self):
        """A person's name with their role ("张三（党员骨干）"); empty for an organization's commendation."""
        if self.subject != CommendationSubject.PERSON:
            return ""
        return f"{self.person_name}（{self.person_role}）" if self.person_role else self.person_name


__all__ = ["Guidance", "Difficulty", "DifficultyReply", "Commendation"]

"""The task book of a project in 培育 (任务书、路线图、时间表、责任人), one row per version.

Every write goes through planning.services; states change only through its MACHINE.
"""

from django.conf import settings
from django.db import models

from cultivation.models import DeliverableKind
from cultivation.reports.enums import OutcomeType

from .enums import TaskBookState, TaskStatus

USER = settings.AUTH_USER_MODEL


def _actor(label):
    return models.ForeignKey(USER, verbose_name=label, on_delete=models.PROTECT, related_name="+", null=True,
                             blank=True, editable=False)


class TaskBook(models.Model):
    """One version of a project's task book. Version 1 is the first; each change after confirmation is
    a new row with the next number and a reason, the earlier rows kept as they were."""

    project = models.ForeignKey("cultivation.Project", verbose_name="培育项目", on_delete=models.CASCADE,
                                related_name="task_books")
    number = models.PositiveSmallIntegerField("版本号", default=1, editable=False)
    state = models.CharField("状态", max_length=12, choices=TaskBookState.choices, default=TaskBookState.DRAFT,
                             editable=False, db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    roadmap = models.TextField("路线图（各阶段目标）", max_length=5000, blank=True,
                               help_text="按培育、中期评估、收获推广等阶段写明目标")
    change_reason = models.TextField("修订原因", max_length=2000, blank=True, editable=False)
    unit_comment = models.TextField("二级党组织意见", max_length=2000, blank=True, editable=False)
    school_comment = models.TextField("组织部意见", max_length=2000, blank=True, editable=False)
    return_reason = models.TextField("退回意见", max_length=2000, blank=True, editable=False)
    created_by = _actor("起草人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True, editable=False)
    confirmed_by = _actor("确认人")

    class Meta:
        verbose_name = "任务书"
        verbose_name_plural = "任务书"
        ordering = ["project", "-number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="one_taskbook_per_number")]

    def __str__(self):
        return f"任务书（第{self.number}版）"


class Task(models.Model):
    """One task of a task book version: who is responsible, by when, and what it should produce."""

    book = models.ForeignKey(TaskBook, verbose_name="任务书", on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField("任务", max_length=200)
    owner_name = models.CharField("责任人", max_length=50)
    owner_role = models.CharField("责任人职务", max_length=50, blank=True, help_text="如支部书记、组织委员")
    due = models.DateField("完成时限")
    outcome_type = models.CharField("对应成果类型", max_length=12, choices=OutcomeType.choices, blank=True)
    deliverable = models.CharField("对应“四个一”", max_length=12, choices=DeliverableKind.choices, blank=True)
    expected = models.CharField("预期成果", max_length=300, blank=True)
    status = models.CharField("完成情况", max_length=10, choices=TaskStatus.choices, default=TaskStatus.PLANNED)
    done_on = models.DateField("完成日期", null=True, blank=True)
    # The task of version 1 (or of the version that added it) this row carries on in a later version: what
    # a report says of the task in force reaches its copy in a revision, and a reminder is sent per task,
    # not again for each copy.
    origin = models.ForeignKey("self", verbose_name="沿用自", on_delete=models.SET_NULL, null=True, blank=True,
                               editable=False, related_name="+")

    class Meta:
        verbose_name = "任务"
        verbose_name_plural = "任务"
        ordering = ["book", "due", "id"]

    def __str__(self):
        return self.title


class TaskProgress(models.Model):
    """What one progress report says of one task: it moved to 进行中 or 已完成, with a note. The report
    is the evidence (its narrative and materials); the task's own status follows the latest row."""

    report = models.ForeignKey("cultivation.ProgressReport", verbose_name="进展报告", on_delete=models.CASCADE,
                               related_name="task_moves")
    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="moves")
    status = models.CharField("完成情况", max_length=10, choices=TaskStatus.choices)
    note = models.CharField("进展说明", max_length=500, blank=True)
    created_by = _actor("填写人")
    created_at = models.DateTimeField("填写时间", auto_now_add=True)

    class Meta:
        verbose_name = "任务进展"
        verbose_name_plural = "任务进展"
        ordering = ["report", "task__due", "task_id"]
        constraints = [models.UniqueConstraint(fields=["report", "task"], name="one_move_per_task_and_report")]

    def __str__(self):
        return f"{self.task}：{self.get_status_display()}"


from .models_guidance import *  # noqa: E402,F401,F403 - 跟踪指导与表彰 (planning/models_guidance.py)
from .models_appraisal import *  # noqa: E402,F401,F403 - 述职评议 (planning/models_appraisal.py)

"""Reads of the planning app, already scoped to the user; each runs a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Q

from branches import access
from branches.enums import Role
from cultivation.models import Batch, Project

from .enums import TaskBookState, TaskStatus
from .models import Task, TaskBook, TaskProgress

# The review queue's tabs: who each waits on.
QUEUE_TABS = {
    "submitted": "待二级党组织审核",
    "endorsed": "待组织部确认",
}


def readable_taskbook(user, pk):
    """A task book of a project the user may read (their own scope, or a reviewer's assignment)."""
    return (TaskBook.objects.filter(pk=pk, project__in=Project.objects.readable_by(user))
            .select_related("project__organization", "project__batch__owner", "project__unit").first())


def readable_task(user, pk):
    return (Task.objects.filter(pk=pk, book__project__in=Project.objects.readable_by(user))
            .select_related("book__project__organization", "book__project__batch__owner", "book__project__unit")
            .first())


def taskbooks_of(project):
    """Every version of the project's task book, newest first, with its tasks (two queries)."""
    return list(TaskBook.objects.filter(project=project).prefetch_related("tasks").order_by("-number"))


def book_in_force(project):
    """The latest confirmed version: the plan the branch is held to, even while a revision is drafted."""
    return (TaskBook.objects.filter(project=project, state=TaskBookState.CONFIRMED)
            .order_by("-number").first())


def queue_tabs(user):
    """The tabs of the review queue the user works: 二级党组织 staff review, 组织部 staff confirm (and
    review the books of 直属党支部, which have no 二级党组织 above them)."""
    held = access.roles(user) | ({Role.ORG_STAFF} if user.is_superuser else set())
    tabs = []
    if held & {Role.UNIT_STAFF, Role.ORG_STAFF}:
        tabs.append("submitted")
    if Role.ORG_STAFF in held:
        tabs.append("endorsed")
    return tabs


def queue(user, tab):
    """Books waiting on the user in one tab, oldest first: a queryset, for pagination."""
    books = TaskBook.objects.all()
    if tab == "submitted":
        books = books.filter(state=TaskBookState.SUBMITTED, project__in=Project.objects.visible_to(user).values("pk"))
    else:
        books = books.filter(state=TaskBookState.ENDORSED,
                             project__batch__in=Batch.objects.managed_by(user).values("pk"))
    return (books.select_related("project__organization", "project__unit", "project__batch")
            .order_by("updated_at", "pk"))


def queue_counts(user, tabs):
    return {tab: queue(user, tab).count() for tab in tabs}


# ---- the timeline -----------------------------------------------------------------------------

TIMELINE_MARKS = {
    "done": ("已完成", "text-bg-success"),
    "ongoing": ("进行中", "text-bg-primary"),
    "late": ("已逾期", "text-bg-danger"),
    "upcoming": ("未到期", "text-bg-light border"),
}


def mark(task, today):
    """已完成 / 已逾期 (due before today and not done) / 进行中 / 未到期."""
    if task.status == TaskStatus.DONE:
        return "done"
    if task.due < today:
        return "late"
    if task.status == TaskStatus.ONGOING:
        return "ongoing"
    return "upcoming"


@dataclass
class Timeline:
    book: object
    rows: list  # [(task, mark key, label, badge)]
    counts: dict  # mark key -> n

    @property
    def labelled_counts(self):
        return [(key, TIMELINE_MARKS[key][0], TIMELINE_MARKS[key][1], self.counts[key]) for key in TIMELINE_MARKS]


def timeline(book, *, today):
    """The book's tasks by due date, each marked, with the count of each mark (one query)."""
    tasks = list(book.tasks.order_by("due", "pk")) if book is not None else []
    rows, counts = [], dict.fromkeys(TIMELINE_MARKS, 0)
    for task in tasks:
        key = mark(task, today)
        counts[key] += 1
        rows.append((task, key, *TIMELINE_MARKS[key]))
    return Timeline(book, rows, counts)


def late_q(today, prefix=""):
    """The condition `mark` calls 已逾期, for querysets of tasks (at `prefix`)."""
    return Q(**{f"{prefix}due__lt": today}) & ~Q(**{f"{prefix}status": TaskStatus.DONE})


# ---- tasks moved by progress reports ----------------------------------------------------------

def moves_of_report(report):
    """The tasks a report moved, by due date (one query)."""
    return list(TaskProgress.objects.filter(report=report).select_related("task").order_by("task__due", "task_id"))

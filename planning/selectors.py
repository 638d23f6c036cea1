"""Reads of the planning app, already scoped to the user; each runs a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Case, Count, Max, Prefetch, Q, Value, When
from django.utils import timezone

from branches import access
from branches.enums import Role
from cultivation.enums import Level, ProjectState
from cultivation.models import Batch, Project

from .enums import TaskBookState, TaskStatus
from .guidance_enums import OPEN_DIFFICULTY_STATES, CommendationSubject, DifficultyState, GuidanceKind
from .models import Task, TaskBook, TaskProgress
from .models_guidance import Commendation, Difficulty, DifficultyReply, Guidance

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


# ---- 常态化跟踪指导与表彰奖励 (planning/models_guidance.py) ------------------------------------------

def guidance_of(project):
    """The project's guidance records, newest first (one query)."""
    rows = list(Guidance.objects.filter(project=project).select_related("recorded_by").order_by("-held_on", "-id"))
    for row in rows:
        row.project = project
    return rows


def difficulties_of(project):
    """The project's difficulty threads, open ones first, each newest first, with their replies (two
    queries); every thread carries the project given, so moves and links read no further."""
    replies = Prefetch("replies", queryset=DifficultyReply.objects.select_related("author").order_by("created_at", "id"))
    rows = list(Difficulty.objects.filter(project=project).select_related("raised_by", "closed_by")
                .prefetch_related(replies).order_by(_closed_last(), "-raised_at", "-id"))
    for row in rows:
        row.project = project
    return rows


def _closed_last():
    return Case(When(state=DifficultyState.CLOSED, then=Value(1)), default=Value(0))


def readable_difficulty(user, pk):
    """A difficulty of a project within the user's own scope (reviewers do not read threads)."""
    return (Difficulty.objects.filter(pk=pk, project__in=Project.objects.visible_to(user))
            .select_related("project__organization", "project__batch__owner", "project__unit").first())


def managed_commendations(user):
    """Every commendation of the batches the user runs as 组织部 staff, newest first."""
    return (Commendation.objects.filter(project__batch__in=Batch.objects.managed_by(user))
            .select_related("project__organization", "project__batch", "recorded_by", "published_by")
            .order_by("-awarded_on", "-id"))


def commendable_projects(user):
    """The accepted projects whose results the user (组织部 staff running their batches) may commend."""
    return (Project.objects.filter(batch__in=Batch.objects.managed_by(user), state=ProjectState.ACCEPTED)
            .select_related("organization", "batch").order_by("-batch__year", "batch__name", "organization__code"))


def commendations_on_organization(user, organization):
    """The commendations of the organization's projects as its page shows them (one query): the staff
    running the project's batch see every one, unpublished ones marked; everyone else the published ones."""
    condition = Q(published_at__isnull=False)
    if user.is_authenticated:
        condition |= Q(project__batch__in=Batch.objects.managed_by(user))
    return list(Commendation.objects.filter(condition, project__organization=organization)
                .select_related("project__batch").order_by("-awarded_on", "-id"))


def published_commendations_of(projects):
    """{project id: [its published commendations, newest first]} for the showcase and the booklet (one
    query); `projects` is a list or a queryset of projects. Unpublished ones never appear here."""
    by_project = {}
    rows = (Commendation.objects.filter(project__in=projects, published_at__isnull=False)
            .select_related("project__organization").order_by("-awarded_on", "-id"))
    for row in rows:
        by_project.setdefault(row.project_id, []).append(row)
    return by_project


@dataclass
class GuidanceOverview:
    """What a batch's dashboard shows of 跟踪指导: per project {"total", "latest", and one count per
    GuidanceKind value}, and the open difficulties, oldest first, each with `age_days`."""

    counts: dict
    open_difficulties: list


def guidance_overview(batch, *, today=None):
    """Guidance counts per project and the open difficulties by age, for the whole batch (two queries).
    The caller decides who may see the batch (its 组织部)."""
    today = today or timezone.localdate()
    per_kind = {kind.value: Count("id", filter=Q(kind=kind.value)) for kind in GuidanceKind}
    counts = {row.pop("project_id"): row for row in Guidance.objects.filter(project__batch=batch)
              .values("project_id").annotate(total=Count("id"), latest=Max("held_on"), **per_kind).order_by()}
    open_rows = list(Difficulty.objects.filter(project__batch=batch, state__in=OPEN_DIFFICULTY_STATES)
                     .select_related("project__organization").order_by("raised_at", "id"))
    for row in open_rows:
        row.age_days = (today - timezone.localdate(row.raised_at)).days
    return GuidanceOverview(counts=counts, open_difficulties=open_rows)


def commendation_counts(projects):
    """Published commendations of the projects counted as the seeds report them ("4个基层党组织被省委教育
    工委表彰…80名党员…被校党委表彰"): {level: {subject: count}} with every level and subject present (one query)."""
    counts = {level.value: {subject.value: 0 for subject in CommendationSubject} for level in Level}
    rows = (Commendation.objects.filter(project__in=projects, published_at__isnull=False)
            .values("level", "subject").annotate(n=Count("id")).order_by())
    for row in rows:
        counts[row["level"]][row["subject"]] = row["n"]
    return counts

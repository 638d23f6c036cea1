"""What the task book adds to pages it does not own: the project page's 任务书 timeline
(settings.PROJECT_PANELS) and the progress report page's 任务进展 (settings.REPORT_PANELS)."""

from django.utils import timezone

from cultivation.enums import CULTIVATED_STATES, Actor
from cultivation.reports.enums import EDITABLE_REPORT_STATES, OPEN_PROJECT_STATES
from cultivation.workflow import actor_roles

from . import selectors
from .enums import TaskBookState
from .models import TaskBook


def taskbook_panel(request, project):
    """The plan in force as a timeline: tasks by due date, marked 已完成 / 进行中 / 已逾期 / 未到期, with
    counts (two queries). Before a version is confirmed it shows where the latest one stands."""
    if project.state not in CULTIVATED_STATES:
        return None
    books = list(TaskBook.objects.filter(project=project).order_by("-number").only(
        "pk", "number", "state", "project_id", "confirmed_at"))
    latest = books[0] if books else None
    in_force = next((book for book in books if book.state == TaskBookState.CONFIRMED), None)
    today = timezone.localdate()
    return {
        "template": "planning/includes/project_panel.html",
        "taskbook_project": project,
        "taskbook_latest": latest,
        "taskbook_in_force": in_force,
        "taskbook_timeline": selectors.timeline(in_force, today=today) if in_force else None,
        "taskbook_can_start": latest is None and Actor.SECRETARY in actor_roles(request.user, project),
    }


def report_panel(request, report):
    """On a progress report's page: the tasks it moved, and for the secretary of a draft a link to mark
    more (two queries)."""
    project = report.project
    if project.state not in CULTIVATED_STATES:
        return None
    moved = selectors.moves_of_report(report)
    can_move = (report.state in EDITABLE_REPORT_STATES and project.state in OPEN_PROJECT_STATES
                and Actor.SECRETARY in actor_roles(request.user, project)
                and TaskBook.objects.filter(project=project, state=TaskBookState.CONFIRMED).exists())
    if not moved and not can_move:
        return None
    return {"template": "planning/includes/report_panel.html", "task_moves": moved, "task_moves_report": report,
            "task_moves_editable": can_move,
            # A report saved once has a draft to come back to: the hint to save first is then noise.
            "task_moves_saved": report.version > 1}

"""The cultivation sections of the home page (declared in settings.HOME_PANELS)."""

from django.db.models import Count
from django.utils import timezone

from branches import access
from branches.enums import Role

from .. import levels, selectors, workflow
from ..enums import ProjectState
from ..models import Batch
from .common import application_openings

PANEL_SIZE = 8


def secretary_panel(request):
    """A secretary's projects with the next step, and batches open for application."""
    user = request.user
    if not access.has_role(user, Role.SECRETARY):
        return None
    today = timezone.localdate()
    branches = access.organizations_for(user, Role.SECRETARY)
    projects = list(selectors.projects_for(user).filter(organization__in=branches)
                    .prefetch_related("extensions").order_by("-batch__selection_start", "-id")[:PANEL_SIZE])
    for project in projects:
        project.next_moves = workflow.allowed_moves(user, project, today=today)
    selecting = list(Batch.objects.visible_to(user).filter(selection_start__lte=today, selection_end__gte=today)
                     .order_by("selection_end", "id"))
    cultivated = workflow.cultivated_projects(branches) if selecting else []
    open_batches = []
    for batch in selecting:
        applicants = workflow.applicant_organizations(user, batch)
        if not applicants or any(p.batch_id == batch.pk for p in projects):
            continue
        # The rule saving the application would apply, said here instead of 查看并申报.
        free, batch.refusals = application_openings(batch, applicants, cultivated)
        batch.can_start = bool(free)
        open_batches.append(batch)
    # Above a school a branch is recommended, not applying: said once where it would look for the batch.
    ladder_batches = [batch for batch in selecting if batch.level in workflow.LADDER_ROUTE]
    for batch in ladder_batches:
        batch.route = workflow.LADDER_ROUTE[batch.level]
    return {"template": "cultivation/includes/home_secretary.html", "my_projects": projects,
            "open_batches": open_batches, "ladder_batches": ladder_batches}


def unit_panel(request):
    """二级党组织 staff: applications awaiting their recommendation, and what else is moving."""
    user = request.user
    if not access.has_role(user, Role.UNIT_STAFF):
        return None
    scoped = selectors.projects_for(user)
    waiting = scoped.filter(state=ProjectState.SUBMITTED).order_by("batch_id", "nomination_rank", "id")
    return {"template": "cultivation/includes/home_unit.html", "waiting": list(waiting[:PANEL_SIZE]),
            "waiting_count": waiting.count(),
            "batches": list(selectors.batch_list(user).filter(project_count__gt=0)[:PANEL_SIZE])}


def staff_panel(request):
    """组织部: every batch with its current phase and counts by state, in two queries."""
    user = request.user
    if not access.is_org_staff(user):
        return None
    today = timezone.localdate()
    batches = list(Batch.objects.managed_by(user).order_by("-selection_start")[:PANEL_SIZE])
    counts = {}
    for row in (selectors.projects_for(user).filter(batch__in=batches).order_by()
                .values("batch_id", "state").annotate(n=Count("id"))):
        counts.setdefault(row["batch_id"], {})[row["state"]] = row["n"]
    for batch in batches:
        batch.current_phase = batch.phase_on(today)
        batch.finished = batch.is_finished(today)
        batch.state_counts = [(levels.state_label(state, batch.level), counts.get(batch.pk, {}).get(state))
                              for state in ProjectState if counts.get(batch.pk, {}).get(state)]
    pending = selectors.staff_notices(user).filter(pending__gt=0)
    return {"template": "cultivation/includes/home_staff.html", "staff_batches": batches,
            "pending_notices": list(pending[:PANEL_SIZE])}


"""Sections this app adds to the home page (declared in settings.HOME_PANELS)."""

from django.utils import timezone

from branches import access
from branches.enums import Role

from . import rules, selectors


def reviewer_queue(request):
    user = request.user
    if not rules.is_reviewer(user):
        return None
    return {"template": "evaluations/includes/panel_reviewer.html", "progress": selectors.queue_progress(user),
            "next": selectors.next_sheet(user)}


def staff_rounds(request):
    if not access.is_org_staff(request.user):
        return None
    return {"template": "evaluations/includes/panel_staff.html", "rounds": selectors.open_rounds_overview(request.user)}


PANEL_RESULTS = 5


def branch_results(request):
    """The latest published results a secretary (their branch) or 二级党组织 staff (their sub-tree) may
    read, with a link to all of them; nothing for anyone else."""
    user = request.user
    if not rules.may_read_branch_results(user):
        return None
    results = selectors.published_for_branches(user, timezone.localdate())
    is_unit = access.has_role(user, Role.UNIT_STAFF)
    return {"template": "evaluations/includes/panel_branch_results.html", "more": len(results) > PANEL_RESULTS,
            "is_unit": is_unit, "results": selectors.attach_summaries(results[:PANEL_RESULTS])}

"""Sections this app adds to the home page (branches.views.HOME_PANELS)."""

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
    return {"template": "evaluations/includes/panel_staff.html", "rounds": selectors.open_rounds_overview()}


PANEL_RESULTS = 5


def branch_results(request):
    """The secretary's latest published results; nothing for a user without a secretary role."""
    user = request.user
    if not access.organizations_for(user, Role.SECRETARY):
        return None
    results = selectors.published_for_branches(user, timezone.localdate())
    return {"template": "evaluations/includes/panel_branch_results.html", "more": len(results) > PANEL_RESULTS,
            "results": selectors.attach_summaries(results[:PANEL_RESULTS])}

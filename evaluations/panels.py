"""Sections this app adds to the home page (branches.views.HOME_PANELS)."""

from branches import access

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

"""What progress reports add to pages they do not own: the home-page panel (declared in
settings.HOME_PANELS)."""

from django.utils import timezone

from branches import access
from branches.enums import Role

from . import selectors as report_selectors

PANEL_ITEMS = 5


def reports_panel(request):
    """Secretary: due, overdue and returned reports. 二级党组织: awaiting endorsement. 组织部: awaiting acceptance."""
    user = request.user
    held = access.roles(user) | ({Role.ORG_STAFF} if user.is_superuser else set())
    if not held & {Role.SECRETARY, Role.UNIT_STAFF, Role.ORG_STAFF}:
        return None
    today = timezone.localdate()
    if Role.ORG_STAFF in held:
        tabs = ["endorsed", "submitted", "overdue"]
    elif Role.UNIT_STAFF in held:
        tabs = ["submitted", "overdue", "returned"]
    else:
        tabs = ["overdue", "due", "returned"]
        # A secretary's panel lists periods: read them first and the counts are taken from them.
        report_selectors.pending_periods(user, today=today)
    counts = report_selectors.tab_counts(user, today=today)
    first = next((tab for tab in tabs if counts[tab]), None)
    items = list(report_selectors.tab_items(user, first, today=today)[:PANEL_ITEMS]) if first else []
    return {
        "template": "cultivation/reports/includes/home_panel.html",
        "report_tabs": [(tab, report_selectors.TABS[tab], counts[tab]) for tab in tabs],
        "report_first_tab": first,
        "report_items": items,
        "report_items_are_periods": first in ("due", "overdue"),
        "report_today": today,
    }



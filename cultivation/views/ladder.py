"""The organization page's 培育记录 section (settings.ORGANIZATION_PANELS): one branch's record up the
ladder, from its school's batch to the province's and the ministry's."""

from django.utils import timezone

from .. import selectors


def ladder_panel(request, organization):
    projects = list(selectors.ladder(request.user, organization))
    if not projects:
        return None
    return {"template": "cultivation/includes/ladder.html", "ladder": projects, "today": timezone.localdate()}

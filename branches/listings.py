"""Each filtered list of branches as one function: the filter form bound to the query string and the
scoped queryset it selects. The list page and its 导出 Excel both call it, so they always agree."""

from dataclasses import dataclass

from . import selectors
from .exports import filters_of
from .forms import EventFilterForm, OrganizationFilterForm


@dataclass
class Listing:
    form: object
    items: object


def organizations(user, params):
    form = OrganizationFilterForm(params or None, units=selectors.visible_units(user))
    return Listing(form, selectors.organization_list(user, **filters_of(form)))


def events(user, params):
    form = EventFilterForm(params or None)
    return Listing(form, selectors.event_list(user, **filters_of(form)).order_by("-created_at", "-id"))

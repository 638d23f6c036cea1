"""Each filtered list of cultivation as one function: the filter form bound to the query string and the
scoped queryset it selects. The list page and its 导出 Excel both call it, so they always agree."""

from dataclasses import dataclass

from branches.exports import filters_of

from . import selectors
from .enums import ProjectState
from .forms import ObjectionFilterForm, ProjectFilterForm, ScreeningFilterForm

NOMINATION_STATES = [ProjectState.SUBMITTED, ProjectState.RETURNED, ProjectState.NOMINATED]
SCREENING_STATES = [ProjectState.NOMINATED, ProjectState.SHORTLISTED, ProjectState.RECOGNIZED, ProjectState.REJECTED]


@dataclass
class Listing:
    form: object
    items: object


def batches(user, params=None):
    """Every batch the user may see, with its projects in the user's scope (no filter form)."""
    return Listing(None, selectors.batch_list(user))


def projects(user, params):
    form = ProjectFilterForm(params or None, user=user)
    return Listing(form, selectors.project_list(user, **filters_of(form)))


def screening(user, batch, params):
    """The batch's nominated projects and after, as the school's staff filter them."""
    form = ScreeningFilterForm(params or None, batch=batch)
    filters = filters_of(form)
    state = filters.pop("state", None)
    filters.setdefault("sort", "rank")
    items = selectors.project_list(user, batch=batch, **filters)
    items = items.filter(state=state) if state else items.filter(state__in=SCREENING_STATES)
    return Listing(form, items)


def nominations(user, batch):
    """The batch's applications a 二级党组织 ranks and recommends (no filter form)."""
    items = selectors.projects_for(user).filter(batch=batch, state__in=NOMINATION_STATES).order_by(
        "unit__code", "state", "nomination_rank", "id")
    return Listing(None, items)


def objections(user, params):
    """Objections across the notices the user runs, by batch, notice and whether answered."""
    form = ObjectionFilterForm(params or None, user=user)
    return Listing(form, selectors.staff_objections(user, **filters_of(form)))

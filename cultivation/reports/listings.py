"""The lists of progress reports and funding as one function each: what the query string asks for and
the scoped items it selects. The list page and its 导出 Excel both call it, so they always agree."""

from dataclasses import dataclass

from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce

from branches import access
from branches.exports import filters_of
from branches.inputs import parse_id

from ..models import Batch, FeaturedActivity, Project
from . import selectors
from .forms import FundingFilterForm


@dataclass
class Listing:
    form: object
    items: object
    tab: str = ""
    batch: object = None


def default_tab(user):
    if access.is_org_staff(user):
        return "endorsed"
    if any(a.role == "unit_staff" for a in access.assignments(user)):
        return "submitted"
    return "due"


def reports(user, params, *, today):
    """One tab of the report list: periods (due, overdue) or a queryset of reports (the others). An
    unknown tab is the 本期待提交 tab, as on the page."""
    tab = params.get("tab") or default_tab(user)
    if tab not in selectors.TABS:
        tab = "due"
    batch = batch_filter(user, params)
    return Listing(None, selectors.tab_items(user, tab, today=today, batch=batch), tab, batch)


def batch_filter(user, params):
    """The batch named by ?batch= if the user may see it, else None (every batch)."""
    pk = parse_id(params.get("batch", ""))
    return Batch.objects.visible_to(user).filter(pk=pk).first() if pk else None


def funding(user, params):
    """Per featured activity of the projects the user may see (as the report lists): planned,
    allocated and spent, filtered by batch and 二级党组织."""
    form = FundingFilterForm(params or None, user=user)
    filters = filters_of(form)
    projects = Project.objects.visible_to(user)
    if filters.get("batch"):
        projects = projects.filter(batch=filters["batch"])
    if filters.get("unit"):
        projects = projects.filter(unit=filters["unit"])
    money = DecimalField(max_digits=12, decimal_places=2)
    items = (FeaturedActivity.objects.filter(project__in=projects.values("pk"))
             .select_related("project__organization", "project__unit", "project__batch")
             .annotate(spent=Coalesce(Sum("spendings__amount"), Value(0), output_field=money))
             .order_by("project__batch_id", "project__unit__code", "project__organization__code", "order", "pk"))
    return Listing(form, items)

"""The lists of progress reports and funding as one function each: what the query string asks for and
the scoped items it selects. The list page and its 导出 Excel both call it, so they always agree."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from branches import access
from branches.exports import filters_of
from branches.inputs import parse_id

from ..enums import CULTIVATED_STATES
from ..models import Batch, FeaturedActivity, Project, Spending
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


def reports(user, params, *, today, stream=False):
    """One tab of the report list: periods (due, overdue) or a queryset of reports (the others). An
    unknown tab is the 本期待提交 tab, as on the page. `stream` for an export (selectors.tab_items)."""
    tab = params.get("tab") or default_tab(user)
    if tab not in selectors.TABS:
        tab = "due"
    batch = batch_filter(user, params)
    return Listing(None, selectors.tab_items(user, tab, today=today, batch=batch, stream=stream), tab, batch)


def batch_filter(user, params):
    """The batch named by ?batch= if the user may see it, else None (every batch)."""
    pk = parse_id(params.get("batch", ""))
    return Batch.objects.visible_to(user).filter(pk=pk).first() if pk else None


def funding(user, params):
    """Per featured activity of the cultivation objects the user may see, filtered by batch, 二级党组织 and
    支部分类 as the query string asks."""
    form = FundingFilterForm(params or None, user=user)
    return Listing(form, funding_items(user, **filters_of(form)))


def funding_items(user, *, batch=None, unit=None, category=None):
    """Planned, allocated and spent per featured activity of the projects the user may see (as the
    report lists). Only projects recognized and after: the school allocates money to nothing else
    (evidence.activity_allocate). The batch dashboard's 经费 numbers are the totals of this."""
    projects = Project.objects.visible_to(user).filter(state__in=CULTIVATED_STATES)
    if batch is not None:
        projects = projects.filter(batch=batch)
    if unit is not None:
        projects = projects.filter(unit=unit)
    if category:
        projects = projects.filter(organization__category="" if category == "none" else category)
    money = DecimalField(max_digits=12, decimal_places=2)
    return (FeaturedActivity.objects.filter(project__in=projects.values("pk"))
            .select_related("project__organization", "project__unit", "project__batch")
            .annotate(spent=Coalesce(Sum("spendings__amount"), Value(0), output_field=money))
            .annotate(balance=ExpressionWrapper(F("allocated_budget") - F("spent"), output_field=money))
            .order_by("project__batch_id", "project__unit__code", "project__organization__code", "order", "pk"))


def yuan(value):
    """A sum of money to the fen (SQLite's SUM of decimals drops the places)."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


def funding_totals(items):
    """The sums over every row of a funding listing (not one page): one query whatever its size. Each
    activity's spending is a subquery, so its rows do not multiply the budgets summed beside it."""
    activities = FeaturedActivity.objects.filter(pk__in=items.order_by().values("pk"))
    spending = (Spending.objects.filter(activity=OuterRef("pk")).order_by().values("activity")
                .annotate(s=Sum("amount")).values("s"))
    sums = activities.annotate(spent_here=Subquery(spending)).aggregate(
        planned=Sum("planned_budget"), allocated=Sum("allocated_budget"), spent=Sum("spent_here"))
    spent = yuan(sums["spent"])
    allocated = yuan(sums["allocated"])
    return {"planned": yuan(sums["planned"]), "allocated": allocated, "spent": spent, "balance": allocated - spent}

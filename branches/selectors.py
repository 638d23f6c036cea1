"""Reads that pages list, already scoped to the user through `access`."""

from django.db.models import Count, Q, Sum

from . import access
from .audit import actions_labelled_as
from .enums import BranchCategory, BranchType, Role
from .models import Event
from .rules import add_years


def organization_list(user, *, unit=None, branch_type="", category="", q="", status="", kind=""):
    queryset = access.visible_organizations(user).select_related("unit", "parent")
    if unit:
        queryset = queryset.filter(unit=unit)
    if branch_type:
        queryset = queryset.filter(branch_type=branch_type)
    if category:
        queryset = queryset.filter(category=category)
    if kind:
        queryset = queryset.filter(kind=kind)
    if status == "active":
        queryset = queryset.filter(is_active=True)
    elif status == "dissolved":
        queryset = queryset.filter(is_active=False)
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(secretary_name__icontains=q))
    return queryset.order_by("path")


def visible_units(user):
    return access.visible_organizations(user).secondary().in_listing_order()


UNIT_ROWS = 30


def branch_summary(user, *, today):
    """Active branches the user may see: totals, then counts by category and by unit."""
    branches = access.visible_organizations(user).branches().active()
    two_years_ago = add_years(today, -2)
    totals = branches.aggregate(
        branches=Count("id"),
        faculty=Count("id", filter=Q(branch_type=BranchType.FACULTY)),
        student=Count("id", filter=Q(branch_type=BranchType.STUDENT)),
        double_leaders=Count("id", filter=Q(secretary_is_double_leader=True)),
        old_enough=Count("id", filter=Q(founded_on__lte=two_years_ago)),
        full_members=Sum("full_members"),
        probationary_members=Sum("probationary_members"),
        # The organizations the units hang under (their schools): more than one, and a unit is named
        # with its school, as two schools each have a 机关党委.
        schools=Count("unit__parent", distinct=True),
    )
    labels = dict(BranchCategory.choices)
    order = list(labels)
    by_category = sorted(
        (
            {"category": row["category"], "label": labels.get(row["category"], "未分类"), "count": row["count"]}
            for row in branches.values("category").annotate(count=Count("id")).order_by()
        ),
        key=lambda row: order.index(row["category"]) if row["category"] in order else len(order),
    )
    by_unit = list(
        branches.values("unit_id", "unit__name", "unit__parent__name")
        .annotate(
            count=Count("id"),
            faculty=Count("id", filter=Q(branch_type=BranchType.FACULTY)),
            student=Count("id", filter=Q(branch_type=BranchType.STUDENT)),
            members=Sum("full_members") + Sum("probationary_members"),
        )
        .order_by("-count", "unit__name")[:UNIT_ROWS + 1]
    )
    # A province's staff see every school's 二级党组织 (4,000 at a hundred universities): the home shows the
    # largest and sends the rest to the organization list, whose unit filter reaches each of them.
    if totals["schools"] > 1:
        for row in by_unit:
            row["unit__name"] = unit_name(row["unit__name"], row["unit__parent__name"])
    return {"totals": totals, "by_category": by_category, "by_unit": by_unit[:UNIT_ROWS],
            "more_units": len(by_unit) > UNIT_ROWS, "many_schools": totals["schools"] > 1}


def unit_name(name, school_name):
    """A unit as named where two schools meet: "中原师范学院 机关党委"."""
    return f"{school_name} {name}" if name and school_name else name


def events_for(target):
    from django.contrib.contenttypes.models import ContentType

    return Event.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=str(target.pk)
    ).select_related("actor")


def event_list(user, *, action="", actor="", q="", date_from=None, date_to=None):
    """The event log as the user may read it: all of it for a superuser, for 组织部 staff the events
    about organizations in their sub-trees (a province's staff see their schools')."""
    queryset = Event.objects.select_related("actor", "content_type")
    if not user.is_superuser:
        queryset = queryset.within([a.organization.path for a in access.assignments(user) if a.role == Role.ORG_STAFF])
    if action:
        queryset = queryset.filter(action__in=actions_labelled_as(action))
    if actor:
        queryset = queryset.filter(actor__username=actor)
    if q:
        queryset = queryset.filter(object_repr__icontains=q)
    if date_from:
        queryset = queryset.filter(created_at__date__gte=date_from)
    if date_to:
        queryset = queryset.filter(created_at__date__lte=date_to)
    return queryset

"""Reads that views list, already scoped to the user. Each returns a queryset of constant query cost."""

from django.db.models import Case, Count, IntegerField, Prefetch, Q, When

from branches import access
from branches.models import Organization

from . import levels
from .enums import CULTIVATED_STATES, NOMINATED_STATES, Level, ProjectState
from .workflow import notice_wait
from .models import Batch, FeaturedActivity, Notice, NoticeItem, NoticeRevision, Objection, Project, UnitQuota

SORTS = {
    "rank": ["unit__code", "nomination_rank", "id"],
    "unit": ["unit__code", "organization__code"],
    "submitted": ["submitted_at", "id"],
    "name": ["organization__name"],
    "state": ["state", "unit__code"],
}


# The filter values that stand for several states (the project list's 状态 choices).
STATE_GROUPS = {"nominated": NOMINATED_STATES, "cultivated": CULTIVATED_STATES}


def projects_for(user, *, readable=False):
    queryset = Project.objects.readable_by(user) if readable else Project.objects.visible_to(user)
    return queryset.select_related("batch__owner", "organization", "unit")


def project_list(user, *, batch=None, state=None, unit=None, branch_type=None, category=None, q=None, sort=None):
    projects = projects_for(user)
    if batch is not None:
        projects = projects.filter(batch=batch)
    if state in STATE_GROUPS:
        projects = projects.filter(state__in=STATE_GROUPS[state])
    elif state:
        projects = projects.filter(state=state)
    if unit is not None:
        projects = projects.filter(unit=unit)
    if branch_type:
        projects = projects.filter(organization__branch_type=branch_type)
    if category:
        projects = projects.filter(organization__category="" if category == "none" else category)
    if q:
        projects = projects.filter(Q(organization__name__icontains=q) | Q(title__icontains=q))
    return projects.order_by(*SORTS.get(sort or "", ["-batch__year", "batch_id", "unit__code", "nomination_rank", "id"]))


def state_counts(user, batch):
    """(state, label, count) of the projects of the batch the user may see, in one query."""
    rows = projects_for(user).filter(batch=batch).order_by().values("state").annotate(n=Count("id"))
    counts = {row["state"]: row["n"] for row in rows}
    return [(state, levels.state_label(state, batch.level), counts[state]) for state in ProjectState if counts.get(state)]


LEVEL_ORDER = Case(When(batch__level=Level.SCHOOL, then=0), When(batch__level=Level.PROVINCE, then=1), default=2,
                   output_field=IntegerField())


def ladder(user, organization):
    """The organization's record up the ladder, as far as the user may see it: its projects in school,
    province and ministry batches, lowest level first, each with the notices that listed it (2 queries)."""
    listed = NoticeItem.objects.filter(removed_in__isnull=True).select_related("notice").order_by(
        "notice__starts_on", "notice_id")
    return (Project.objects.visible_to(user).filter(organization=organization)
            .select_related("batch__owner", "source__batch").prefetch_related(Prefetch("notice_items", queryset=listed))
            .annotate(level_order=LEVEL_ORDER).order_by("level_order", "batch__selection_start", "id"))


def batch_list(user):
    visible = Project.objects.visible_to(user).values("pk")
    return Batch.objects.visible_to(user).select_related("owner").annotate(
        project_count=Count("projects", filter=Q(projects__in=visible), distinct=True),
    ).order_by("-selection_start", "-id")


def projects_with_activities(queryset):
    return queryset.prefetch_related(Prefetch("activities", queryset=FeaturedActivity.objects.order_by("order", "id")))


def unit_quotas(user, batch, *, rows=None):
    """Each 二级党组织 the user manages with its quota and the nominations it has used, in two queries; in one
    when the caller has read the batch's projects in the user's scope already (`rows` of unit_id, unit__name,
    unit__code and state, as the batch dashboard does)."""
    quotas = {quota.unit_id: quota.quota for quota in UnitQuota.objects.filter(batch=batch)}
    if rows is None:
        rows = (projects_for(user).filter(batch=batch).order_by().values("unit_id", "unit__name")
                .annotate(used=Count("id", filter=Q(state__in=NOMINATED_STATES)),
                          waiting=Count("id", filter=Q(state=ProjectState.SUBMITTED))))
    else:
        units = {}
        for row in sorted(rows, key=lambda row: (row["unit__code"], row["unit_id"])):
            unit = units.setdefault(row["unit_id"], {"unit_id": row["unit_id"], "unit__name": row["unit__name"],
                                                     "used": 0, "waiting": 0})
            unit["used"] += row["state"] in NOMINATED_STATES
            unit["waiting"] += row["state"] == ProjectState.SUBMITTED
        rows = units.values()
    return [{"unit_id": row["unit_id"], "name": row["unit__name"], "quota": quotas.get(row["unit_id"]),
             "used": row["used"], "waiting": row["waiting"]} for row in rows]


def quota_units(batch):
    """Who a batch's quotas are for: a school's 二级党组织; in a batch above, the organizations right
    below the owner that recommend into it (a province's schools)."""
    if batch.level == Level.SCHOOL:
        return Organization.objects.secondary().active().within([batch.owner.path]).in_listing_order()
    return Organization.objects.filter(parent=batch.owner).active().in_listing_order()



def quota_rows(batch):
    """Every quota of the batch (staff page), with the units' names, in one query."""
    return UnitQuota.objects.filter(batch=batch).select_related("unit").order_by("unit__code")


def staff_notices(user, *, batch=None, open_on=None, pending=False):
    """The notices the user runs; `batch` keeps one batch's, `open_on` (a day) those still running that
    day and not withdrawn, `pending` those with an objection unanswered (the batch dashboard links here)."""
    if not access.is_org_staff(user):
        return Notice.objects.none()
    notices = Notice.objects.managed_by(user)
    if batch is not None:
        notices = notices.filter(batch=batch)
    if open_on is not None:
        notices = notices.filter(ends_on__gte=open_on, withdrawn_at__isnull=True)
    if pending:
        notices = notices.filter(pk__in=Objection.objects.filter(answered_at__isnull=True).values("notice_id"))
    return (notices.select_related("batch")
            .annotate(item_count=Count("items", filter=Q(items__removed_in__isnull=True), distinct=True),
                      pending=Count("objections", filter=Q(objections__answered_at__isnull=True), distinct=True),
                      objection_count=Count("objections", distinct=True))
            .order_by("-starts_on", "-id"))


OBJECTION_STATES = {"unanswered": "待处理", "answered": "已处理"}


def staff_objections(user, *, batch=None, notice=None, state=None):
    """Objections across the notices the user runs (the same scope as a notice's page: 组织部 staff of
    the batch's owner); `state` "unanswered" or "answered". Newest first. The batch dashboard's
    待处理异议 number counts these rows in its notices' query (dashboards.batch_dashboard)."""
    if not access.is_org_staff(user):
        return Objection.objects.none()
    objections = Objection.objects.filter(notice__in=Notice.objects.managed_by(user).values("pk"))
    if batch is not None:
        objections = objections.filter(notice__batch=batch)
    if notice is not None:
        objections = objections.filter(notice=notice)
    if state in OBJECTION_STATES:
        objections = objections.filter(answered_at__isnull=state == "unanswered")
    return (objections.select_related("notice__batch", "item__project__organization", "answered_by")
            .order_by("-created_at", "-id"))


def public_notices(today):
    """Notices the public may read: those whose period has begun."""
    return (Notice.objects.filter(starts_on__lte=today).select_related("batch__owner")
            .annotate(item_count=Count("items", filter=Q(items__removed_in__isnull=True)))
            .order_by("-starts_on", "-id"))


def notice_items(notice):
    """The items a notice lists now (a correction may have taken some out)."""
    return NoticeItem.objects.filter(notice=notice, removed_in__isnull=True).select_related(
        "project__organization", "project__unit").order_by("order", "id")


def notice_revisions(notice):
    """The notice's corrections and withdrawal, oldest first, each with the items it took out."""
    return (NoticeRevision.objects.filter(notice=notice).select_related("created_by")
            .prefetch_related(Prefetch("removed_items", queryset=NoticeItem.objects.select_related(
                "project__organization").order_by("order", "id")))
            .order_by("created_at", "id"))


def notice_objections(notice):
    return Objection.objects.filter(notice=notice).select_related(
        "item__project__organization", "answered_by").order_by("created_at", "id")


def notices_of_project(project):
    return Notice.objects.filter(items__project=project).order_by("starts_on", "id")


def elsewhere_by_organization(projects, batch):
    """For the projects of one batch on a page: each organization's projects in other batches of the same
    kind that a decision here must weigh (see workflow.projects_elsewhere), in one query."""
    from .workflow import projects_elsewhere

    found = {}
    organizations = {project.organization_id for project in projects}
    if not organizations:
        return found
    for other in projects_elsewhere(organizations, batch):
        found.setdefault(other.organization_id, []).append(other)
    return found


def recognition_wait(batch, today):
    """What 确定为培育对象 waits for in the batch, in words (its running 拟认定公示's last day and the
    working days left), or "" when no 拟认定公示 of the batch is running."""
    return notice_wait(Notice.objects.filter(batch=batch, kind="recognition", withdrawn_at__isnull=True,
                                             ends_on__gte=today), today)

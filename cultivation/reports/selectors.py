"""Reads for progress reports: the schedule, the due/overdue/returned lists, and a project's record.

The schedule is computed, not stored: a batch reports every `report_every_months` months on day
`report_due_day`, for each such date inside its 培育 window, plus any milestone set for one project.
A period without a report row is simply not begun. Every list here runs a fixed number of queries,
whatever the number of projects or periods.
"""

import calendar
import datetime
import sys
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, Exists, OuterRef, Q, Subquery, Sum, When, Window
from django.db.models.functions import Coalesce

from ..enums import CULTIVATED_STATES
from ..models import (
    ActivityProgress, Attachment, Batch, Exemplar, FeaturedActivity, Milestone, Outcome, ProgressReport,
    Project, Publication, Spending,
)
from .enums import (
    HANDED_IN_STATES, OPEN_PROJECT_STATES, Channel, OutcomeType, ReportState,
)

# A report in these states settles its period: it is neither due nor overdue any more (Period.status).
SETTLING_STATES = HANDED_IN_STATES | {ReportState.RETURNED}

# Which lists exist, in the order their tabs show.
TABS = {
    "due": "本期待提交",
    "overdue": "已逾期",
    "returned": "已退回修改",
    "submitted": "待二级党组织审核",
    "endorsed": "待组织部确认",
}


@dataclass
class Period:
    """One due date of one project: its span, its title, and its report if begun."""

    project: object
    start: datetime.date
    due: datetime.date
    title: str
    milestone: bool = False
    report: object = None
    # A period the batch's dates no longer give, kept because it holds a report (periods_of).
    kept: bool = False

    def status(self, today):
        """'handed_in', 'returned', 'closed' (the project no longer reports), 'overdue', 'due' (the current
        period) or 'upcoming'."""
        if self.report is not None and self.report.state in HANDED_IN_STATES:
            return "handed_in"
        if self.report is not None and self.report.state == ReportState.RETURNED:
            return "returned"
        if self.project.state not in OPEN_PROJECT_STATES:
            return "closed"
        return _timing(self.start, self.due, today)

    @property
    def is_open(self):
        """Whether the project still reports: only then may the period's report be begun or edited."""
        return self.project.state in OPEN_PROJECT_STATES

    def days_left(self, today):
        return (self.due - today).days

    def on(self, today):
        """Fix the status and days left as of `today`, for templates (which cannot pass arguments)."""
        self.current_status = self.status(today)
        self.current_days_left = self.days_left(today)
        return self


# status -> (label, badge class)
STATUS_LABELS = {
    "handed_in": ("已提交", "text-bg-primary"),
    "returned": ("已退回修改", "text-bg-warning"),
    "overdue": ("已逾期", "text-bg-danger"),
    "due": ("本期待提交", "text-bg-info"),
    "upcoming": ("未到期", "text-bg-light border"),
    "closed": ("未提交（培育已结束，无需再报）", "text-bg-light border"),
}


def _month_day(year, month, day):
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _add_months(year, month, months):
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def schedule_dates(batch):
    """The regular due dates of the batch: (due date, title), for each date inside the 培育 window."""
    step = max(1, batch.report_every_months or 1)
    day = min(max(1, batch.report_due_day or 1), 31)
    start, end = batch.cultivation_start, batch.cultivation_end
    year, month = start.year, start.month
    dates = []
    while True:
        due = _month_day(year, month, day)
        if due > end:
            return dates
        if due >= start:
            if step == 1:
                title = f"{year}年{month}月"
            else:
                first_year, first_month = _add_months(year, month, 1 - step)
                first = max(datetime.date(first_year, first_month, 1), start.replace(day=1))
                title = f"{first.year}年{first.month}月至{year}年{month}月"
            dates.append((due, title))
        year, month = _add_months(year, month, step)


def _timing(start, due, today):
    """Where a period with no report handed in stands on `today`, its project still reporting."""
    if due < today:
        return "overdue"
    if start <= today:
        return "due"
    return "upcoming"


def _dated(batch, milestones=()):
    """(start, due, title, is_milestone) of each period of a project of the batch, in date order: the
    schedule's dates and the project's milestones, each period starting the day after the one before."""
    dated = {due: (title, False) for due, title in schedule_dates(batch)}
    for milestone in milestones:
        dated.setdefault(milestone.date, (f"节点：{milestone.title}", True))
    start = batch.cultivation_start
    for due in sorted(dated):
        yield (start, due, *dated[due])
        start = due + datetime.timedelta(days=1)


def periods_of(project, milestones=(), reports=()):
    """The project's periods in date order, each with its report (if begun).

    A period that holds a report is history: when the batch's dates have changed since and no longer
    give it, it is kept with the span and title its report was written for, so no report ever drops
    out of the record (the reports need `period_start` and `title` loaded)."""
    by_due = {report.period_due: report for report in reports}
    periods = [Period(project, start, due, title, is_milestone, by_due.pop(due, None))
               for start, due, title, is_milestone in _dated(project.batch, milestones)]
    periods += [Period(project, report.period_start, due, report.title, report=report, kept=True)
                for due, report in by_due.items()]
    return sorted(periods, key=lambda period: period.due)


def period_for(project, due):
    """The project's period due on that date, or None when there is none."""
    milestones = list(Milestone.objects.filter(project=project, date=due))
    for period in periods_of(project, milestones):
        if period.due == due:
            return period
    return None


def periods_of_projects(projects):
    """{project: [periods]} for the projects, in three queries."""
    projects = list(projects)
    milestones, reports = {}, {}
    # A literal id list: the projects were just read, and there are at most a few hundred of them.
    ids = [project.pk for project in projects]
    if ids:
        for milestone in Milestone.objects.filter(project_id__in=ids):
            milestones.setdefault(milestone.project_id, []).append(milestone)
        for report in ProgressReport.objects.filter(project_id__in=ids).only(
                "pk", "project_id", "period_due", "state", "version", "title", "period_start"):
            reports.setdefault(report.project_id, []).append(report)
    return {project: periods_of(project, milestones.get(project.pk, ()), reports.get(project.pk, ()))
            for project in projects}


def _in_batch(projects, batch):
    return projects if batch is None else projects.filter(batch=batch)


def open_projects(user, *, batch=None):
    return (_in_batch(Project.objects.visible_to(user), batch).filter(state__in=OPEN_PROJECT_STATES)
            .select_related("batch__owner", "organization", "unit").order_by("unit__code", "organization__code", "pk"))


def pending_periods(user, *, today, statuses=("due", "overdue"), batch=None):
    """Periods of the user's open projects in the given statuses, oldest due first (three queries, once
    per request: the tab counts and the tab's items on one page share them, kept on the user as
    branches.access keeps the roles)."""
    memo = user.__dict__.setdefault("_pending_periods", {})
    key = (today, batch.pk if batch is not None else None)
    if key not in memo:
        memo[key] = _pending(list(open_projects(user, batch=batch)), today)
    return [period for period in memo[key] if period.current_status in statuses]


def _pending(projects, today):
    """The due and overdue periods of the projects. Of the reports only those of periods already under
    way are read: the reports of later periods (drafts begun early) change nothing here."""
    milestones = {}
    # A literal id list: the projects were just read, and there are at most a few hundred of them.
    ids = [project.pk for project in projects]
    for milestone in Milestone.objects.filter(project_id__in=ids):
        milestones.setdefault(milestone.project_id, []).append(milestone)
    begun = []
    for project in projects:
        begun += [(project, *dated) for dated in _dated(project.batch, milestones.get(project.pk, ()))
                  if _timing(*dated[:2], today) != "upcoming"]
    dates = {due for _, _, due, _, _ in begun}
    reports = {(report.project_id, report.period_due): report for report in ProgressReport.objects.filter(
        project_id__in=ids, period_due__in=dates).only("pk", "project_id", "period_due", "state")}
    found = [Period(project, start, due, title, milestone, reports.get((project.pk, due))).on(today)
             for project, start, due, title, milestone in begun]
    found = [period for period in found if period.current_status in ("due", "overdue")]
    found.sort(key=_period_key)
    return found


def _period_key(period):
    return (period.due, period.project.organization.code, period.project.pk)


@dataclass(frozen=True, slots=True)
class _Named:
    name: str


@dataclass(frozen=True, slots=True)
class _ProjectNames:
    """What an export row shows of a project: the names, not the model rows."""

    pk: int
    state: str
    organization: _Named
    unit: _Named
    batch: _Named


class _ByProject:
    """The rows of a queryset ordered by project_id, handed out one project at a time while the
    projects are walked in id order: one streamed query, never a dict of every project's rows."""

    def __init__(self, queryset, chunk):
        self.rows, self.next = queryset.order_by("project_id", "pk").iterator(chunk_size=chunk), None

    def take(self, project_id):
        found = []
        while True:
            if self.next is None:
                self.next = next(self.rows, False)
            if self.next is False or self.next.project_id > project_id:
                return found
            if self.next.project_id == project_id:
                found.append(self.next)
            self.next = None


def iter_pending_periods(user, *, today, statuses, batch=None, chunk=100):
    """The periods of `pending_periods` in the same order, for an export of any size, in three queries
    whatever the size: the open projects, their milestones and their reports, each streamed in project
    order and walked side by side. Of each pending period only a small tuple is kept (under 200 bytes,
    the project's names once per project) until all are sorted; the periods then come out one by one
    with the names in place of the project."""
    projects = open_projects(user, batch=batch)
    ids = projects.values("pk")
    milestones = _ByProject(Milestone.objects.filter(project__in=ids), chunk)
    reports = _ByProject(ProgressReport.objects.filter(project__in=ids).only(
        "pk", "project_id", "period_due", "state", "title", "period_start"), chunk)
    names, rows, shared = {}, [], {}
    for project in projects.order_by("pk").iterator(chunk_size=chunk):
        # A kept period (off the schedule) is the record's, not a to-do: the page's list has none either.
        pending = [period for period in periods_of(project, milestones.take(project.pk), reports.take(project.pk))
                   if not period.kept and period.status(today) in statuses]
        if pending:
            names[project.pk] = _ProjectNames(project.pk, project.state, _Named(project.organization.name),
                                              _Named(project.unit.name if project.unit_id else ""),
                                              _Named(project.batch.name))
        # The same dates and titles recur across projects: one object each (sys.intern, `shared`).
        rows += [(shared.setdefault(p.due, p.due), project.organization.code, project.pk,
                  shared.setdefault(p.start, p.start), sys.intern(p.title), p.milestone,
                  p.report.state if p.report is not None else None) for p in pending]
    rows.sort()  # by (due, organization code, project): unique, so the later items never compare
    for due, _, pk, start, title, milestone, report_state in rows:
        report = _Report(report_state) if report_state else None
        yield Period(names[pk], start, due, title, milestone, report).on(today)


@dataclass(frozen=True, slots=True)
class _Report:
    """A period's begun report, in an exported row: its state is all the row tells of it."""

    state: str


def _listed_reports(user, batch=None):
    """Reports of the user's projects, less those returned to a project that no longer reports: a
    returned report is the secretary's to-do, and a finished project has none."""
    projects = _in_batch(Project.objects.visible_to(user), batch)
    return (ProgressReport.objects.filter(project__in=projects.values("pk"))
            .exclude(Q(state=ReportState.RETURNED) & ~Q(project__state__in=OPEN_PROJECT_STATES)))


def reports_in_state(user, state, *, batch=None):
    """Reports of the user's projects in one state, oldest due first: a queryset, for pagination."""
    return (_listed_reports(user, batch).filter(state=state)
            .select_related("project__organization", "project__unit", "project__batch")
            .order_by("period_due", "project__organization__code", "pk"))


def tab_items(user, tab, *, today, batch=None, stream=False):
    """The list behind a tab: periods (due, overdue) or a queryset of reports (the others); `batch`
    keeps one batch's (the batch dashboard links here). `stream`: the periods as an iterator that
    holds only their sort keys (an export), rather than a list (a page, which counts and slices it)."""
    if tab in ("due", "overdue"):
        pending = iter_pending_periods if stream else pending_periods
        return pending(user, today=today, statuses=(tab,), batch=batch)
    return reports_in_state(user, batch=batch, state={"returned": ReportState.RETURNED, "submitted": ReportState.SUBMITTED,
                                   "endorsed": ReportState.ENDORSED}[tab])


def tab_counts(user, *, today, batch=None):
    """How many items each tab holds: two or three queries (_pending_counts), or one when the page has
    listed the periods already (the due and overdue tabs), whose statuses are then counted."""
    listed = user.__dict__.get("_pending_periods", {}).get((today, batch.pk if batch is not None else None))
    if listed is None:
        counts, by_state = _pending_counts(user, today=today, batch=batch)
    else:
        counts = Counter(period.current_status for period in listed)
        by_state = dict(_listed_reports(user, batch).order_by().values_list("state").annotate(n=Count("pk")))
    return {"due": counts["due"], "overdue": counts["overdue"], "returned": by_state.get(ReportState.RETURNED, 0),
            "submitted": by_state.get(ReportState.SUBMITTED, 0), "endorsed": by_state.get(ReportState.ENDORSED, 0)}


def _pending_counts(user, *, today, batch=None):
    """({'due': n, 'overdue': n}, {report state: n}) with the numbers `pending_periods` would list, in two
    queries (three when a project has milestones) that read no project's reports one by one.

    Every project of a batch has the batch's schedule, so for the projects without milestones it is enough
    to know, per batch, how many of them report, and per batch and due date how many reports settle their
    period (handed in or returned): each of the batch's periods under way is pending for the rest. The few
    projects with milestones have periods of their own: for those the settled reports are read by project.
    The report rows are grouped in one query, which also gives the tabs' numbers by state."""
    projects = _in_batch(Project.objects.visible_to(user), batch).filter(state__in=OPEN_PROJECT_STATES)
    milestones = Milestone.objects.filter(project__in=projects.values("pk"))
    batches = list(Batch.objects.filter(projects__in=projects.values("pk")).annotate(
        reporting=Count("projects"), any_milestones=Exists(milestones.filter(project__batch=OuterRef("pk")))))
    marked = {}
    if any(found.any_milestones for found in batches):  # else no query for them
        for milestone in milestones.select_related("project__batch"):
            marked.setdefault(milestone.project_id, (milestone.project, []))[1].append(milestone)
    settles = Q(state__in=SETTLING_STATES, project__state__in=OPEN_PROJECT_STATES)
    has_milestones = Exists(Milestone.objects.filter(project=OuterRef("project_id")))
    rows = (_listed_reports(user, batch)
            .annotate(settled_batch=Case(When(settles, then="project__batch_id")),
                      settled_project=Case(When(settles & has_milestones, then="project_id")),
                      settled_due=Case(When(settles, then="period_due")))
            .order_by().values("state", "settled_batch", "settled_project", "settled_due").annotate(n=Count("pk")))
    by_state, settled = Counter(), Counter()
    for row in rows:
        by_state[row["state"]] += row["n"]
        if row["settled_project"] is not None:
            settled[("project", row["settled_project"], row["settled_due"])] += row["n"]
        elif row["settled_batch"] is not None:
            settled[("batch", row["settled_batch"], row["settled_due"])] += row["n"]
    counts = Counter()
    with_milestones = Counter(project.batch_id for project, _ in marked.values())
    for found in batches:
        plain = found.reporting - with_milestones[found.pk]
        for start, due, _, _ in _dated(found):
            counts[_timing(start, due, today)] += plain - settled[("batch", found.pk, due)]
    for project, own in marked.values():
        for start, due, _, _ in _dated(project.batch, own):
            counts[_timing(start, due, today)] += 1 - settled[("project", project.pk, due)]
    return counts, by_state


def readable_report(user, pk):
    """The report if the user may read its project, else None."""
    return (ProgressReport.objects.filter(pk=pk, project__in=Project.objects.readable_by(user).values("pk"))
            .select_related("project__batch__owner", "project__organization", "project__unit",
                            "submitted_by", "endorsed_by", "accepted_by", "returned_by").first())


def readable_project(user, pk):
    return (Project.objects.readable_by(user).filter(pk=pk)
            .select_related("batch__owner", "organization", "unit").first())


# ---- one project's record ------------------------------------------------------------------

@dataclass
class Funding:
    activity: object
    allocated: Decimal
    spent: Decimal
    spendings: list = field(default_factory=list)

    @property
    def balance(self):
        return self.allocated - self.spent

    @property
    def percent_spent(self):
        return round(100 * self.spent / self.allocated) if self.allocated else 0


def activities_with_spending():
    """Featured activities in their order, each with `spent_total` (for a prefetch or a filter)."""
    return FeaturedActivity.objects.annotate(spent_total=Sum("spendings__amount")).order_by("order", "pk")


def funding_of(project, *, with_spendings=False):
    """Per featured activity: allocation, spending and balance (one or two queries; none for the first when the
    page prefetched the project's activities with activities_with_spending, as the project page does)."""
    prefetched = getattr(project, "_prefetched_objects_cache", {}).get("activities")
    if prefetched is not None and all(hasattr(a, "spent_total") for a in prefetched):
        activities = prefetched
    else:
        activities = activities_with_spending().filter(project=project)
    rows = [Funding(a, a.allocated_budget, a.spent_total or Decimal("0.00")) for a in activities]
    if with_spendings and rows:
        by_activity = {row.activity.pk: row for row in rows}
        for spending in Spending.objects.filter(activity__project=project).select_related("created_by"):
            by_activity[spending.activity_id].spendings.append(spending)
    return rows


def project_record(project, *, today, limit=None):
    """Everything the 培育 phase recorded for a project, in a fixed number of queries.

    `limit` caps the evidence lists (for the summary on the project page); counts stay whole.
    """
    periods = list(periods_of_projects([project]).values())[0] if project.state in CULTIVATED_STATES else []
    periods = [period.on(today) for period in periods]

    def capped(queryset):
        return list(queryset[:limit] if limit else queryset)

    # Each list's rows carry the whole list's count (a window over the unsliced rows): four queries, not five.
    lists = {
        "attachments": capped(_counted(Attachment.objects.filter(project=project).select_related("report", "created_by"))),
        "publications": capped(_counted(Publication.objects.filter(project=project).select_related("report"))),
        "outcomes": capped(_counted(Outcome.objects.filter(project=project).select_related("report"))),
        "exemplars": capped(_counted(Exemplar.objects.filter(project=project).select_related("report"))),
    }
    funding = funding_of(project)
    return {
        "periods": periods,
        "reports": [period.report for period in periods if period.report is not None],
        **lists,
        "counts": {name: rows[0].total if rows else 0 for name, rows in lists.items()},
        "funding": funding,
        "funding_total": _funding_total(funding),
    }


def _count_of(model, **filters):
    """How many rows of an evidence model the outer project has (matching `filters`), as a subquery."""
    rows = model.objects.filter(project=OuterRef("pk"), **filters).order_by().values("project")
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)


def _counted(queryset):
    return queryset.annotate(total=Window(Count("pk")))


def _funding_total(rows):
    allocated = sum((row.allocated for row in rows), Decimal("0.00"))
    spent = sum((row.spent for row in rows), Decimal("0.00"))
    return {"allocated": allocated, "spent": spent, "balance": allocated - spent}


def project_summary(project):
    """Read-only totals for a reviewer's side panel: meetings held, reports by state, evidence by kind.

    Three queries: the reports (totals and states in one aggregate), one row of counts (channels, outcome
    kinds, exemplars, attachments), activity progress; and funding, free when the page prefetched the
    activities with activities_with_spending.
    """
    handed_in = Q(state__in=HANDED_IN_STATES)
    meetings = {"congress": "congress_count", "committee": "committee_count", "group": "group_count",
                "lecture": "lecture_count", "theme_day": "theme_day_count"}
    row = ProgressReport.objects.filter(project=project).aggregate(
        handed_in=Count("pk", filter=handed_in),
        **{key: Sum(column, filter=handed_in) for key, column in meetings.items()},
        **{f"state_{state.value}": Count("pk", filter=Q(state=state)) for state in ReportState})
    # Each count a subquery of one row: no join multiplies another's rows, and none costs a query of its own.
    evidence = Project.objects.filter(pk=project.pk).values(
        **{f"channel_{c.value}": _count_of(Publication, channel=c) for c in Channel},
        **{f"kind_{k.value}": _count_of(Outcome, kind=k) for k in OutcomeType},
        exemplar_count=_count_of(Exemplar), attachment_count=_count_of(Attachment)).get()
    channels = {c: evidence[f"channel_{c.value}"] for c in Channel if evidence[f"channel_{c.value}"]}
    outcome_kinds = {k: evidence[f"kind_{k.value}"] for k in OutcomeType if evidence[f"kind_{k.value}"]}
    progress = ActivityProgress.objects.filter(
        report__project=project, report__state__in=HANDED_IN_STATES).values("activity__name").annotate(
        times=Sum("times_held"), people=Sum("participants")).order_by("activity__order")
    return {
        "totals": {key: row[key] or 0 for key in ["handed_in", *meetings]},
        "by_state": [(state.label, row[f"state_{state.value}"]) for state in ReportState if row[f"state_{state.value}"]],
        "channels": [(Channel(c).label, channels[c]) for c in Channel if c in channels],
        "outcome_kinds": [(OutcomeType(k).label, outcome_kinds[k]) for k in OutcomeType if k in outcome_kinds],
        "activity_progress": list(progress),
        "exemplars": evidence["exemplar_count"],
        "attachments": evidence["attachment_count"],
        "funding": _funding_total(funding_of(project)),
    }


def report_evidence(report):
    """The evidence recorded with one report (four queries)."""
    return {
        "attachments": list(Attachment.objects.filter(report=report).select_related("created_by")),
        "publications": list(Publication.objects.filter(report=report)),
        "outcomes": list(Outcome.objects.filter(report=report)),
        "exemplars": list(Exemplar.objects.filter(report=report)),
    }


def activity_progress(report):
    """One row per featured activity of the project, with this report's progress (or None)."""
    recorded = {row.activity_id: row for row in ActivityProgress.objects.filter(report=report)}
    return [(activity, recorded.get(activity.pk))
            for activity in FeaturedActivity.objects.filter(project_id=report.project_id).order_by("order", "pk")]

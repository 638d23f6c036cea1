"""A small world for the statistics tests, and the counts computed again from the rows one by one
(plain Python loops over every row, no GROUP BY), to check the page's aggregates against."""

import datetime
from decimal import Decimal

from django.utils import timezone

from branches.enums import OrgKind, Role
from cultivation.enums import CULTIVATED_STATES, ProjectState
from cultivation.models import (
    ActivityProgress, Exemplar, FeaturedActivity, Outcome, ProgressReport, Project, Publication, Spending,
)
from cultivation.reports.enums import HANDED_IN_STATES, Channel, ExemplarKind, OutcomeType
from cultivation.reports.selectors import periods_of
from tests.factories import BatchFactory, BranchFactory, OrganizationFactory, ProjectFactory, user_with_role

STATES = ["accepted", "endorsed", "submitted", "draft", "returned"]


def _project(batch, organization, *, state=ProjectState.RECOGNIZED, **grades):
    project = ProjectFactory(batch=batch, organization=organization, activities=["经典诵读进课堂", "师生结对"])
    Project.objects.filter(pk=project.pk).update(state=state, **grades)
    project.refresh_from_db()
    return project


def fill(project, *, size, seed, recorder):
    """`size` reports (states cycling, so some do not count), evidence, allocations and spending."""
    periods = periods_of(project)
    activities = list(FeaturedActivity.objects.filter(project=project))
    FeaturedActivity.objects.filter(project=project).update(allocated_budget=Decimal("3000.50"))
    for n in range(size):
        period = periods[n]
        state = STATES[(n + seed) % len(STATES)]
        report = ProgressReport.objects.create(
            project=project, period_start=period.start, period_due=period.due, title=period.title, state=state,
            narrative="本月工作", congress_count=1 + n % 2, committee_count=2, group_count=seed % 3 + n,
            lecture_count=n % 2, theme_day_count=1 + seed % 2, new_members_count=(n + seed) % 3)
        for m, activity in enumerate(activities):
            ActivityProgress.objects.create(report=report, activity=activity, times_held=1 + m, participants=10 + n + seed)
        channels = list(Channel.values)
        Publication.objects.create(project=project, report=report, channel=channels[(n + seed) % len(channels)],
                                   title=f"报道{n}", published_on=period.due, created_by=recorder)
        Outcome.objects.create(project=project, report=report, kind=OutcomeType.values[(n + seed) % 6], title=f"成果{n}",
                               achieved_on=period.due, created_by=recorder)
        Exemplar.objects.create(project=project, report=report, kind=ExemplarKind.values[(n + seed) % 2],
                                person=f"党员{n}", description="事迹", created_by=recorder)
    # Evidence registered on the project itself always counts.
    Publication.objects.create(project=project, channel=Channel.XUEXI, title="项目报道",
                               published_on=project.batch.cultivation_start, created_by=recorder)
    Outcome.objects.create(project=project, kind=OutcomeType.METHOD, title="工作法", created_by=recorder)
    Exemplar.objects.create(project=project, kind=ExemplarKind.PLEDGE, person="党员甲", description="承诺",
                            created_by=recorder)
    for n, activity in enumerate(activities):
        for m in range(size):
            Spending.objects.create(activity=activity, amount=Decimal("100.25") * (m + 1), purpose="物料",
                                    spent_on=project.batch.cultivation_start + datetime.timedelta(days=40 * m),
                                    created_by=recorder)


class World:
    """Two batches of the tree's school (2023 and 2024) and one of another school."""

    def __init__(self, tree, *, size=1):
        today = timezone.localdate()
        self.tree = tree
        self.first = BatchFactory(name="第一批", year=2023, start=today - datetime.timedelta(days=500))
        self.second = BatchFactory(name="第二批", year=2024, start=today - datetime.timedelta(days=120))
        self.projects = [
            _project(self.first, tree.branch_a1, midterm_grade="excellent"),
            _project(self.first, tree.branch_a2, state=ProjectState.ACCEPTED, midterm_grade="good",
                     final_grade="excellent"),
            _project(self.first, tree.branch_b1, midterm_grade="pass"),
            _project(self.second, tree.branch_a1),
            _project(self.second, tree.direct),
        ]
        # Not a cultivation target yet: nothing of it counts.
        self.draft = _project(self.second, tree.branch_b1, state=ProjectState.SUBMITTED)
        for seed, project in enumerate([*self.projects, self.draft]):
            fill(project, size=size, seed=seed, recorder=tree.staff)
        self.other_school = OrganizationFactory(kind=OrgKind.SCHOOL, name="另一所大学党委")
        other_unit = OrganizationFactory(name="丙学院党委", parent=self.other_school)
        self.other_branch = BranchFactory(name="丙一党支部", parent=other_unit)
        self.other_batch = BatchFactory(name="另校第一批", owner=self.other_school, year=2023,
                                        start=today - datetime.timedelta(days=500))
        self.other_project = _project(self.other_batch, self.other_branch)
        fill(self.other_project, size=size, seed=2, recorder=tree.staff)
        self.other_staff = user_with_role(Role.ORG_STAFF, self.other_school, username="other_staff")


def _year_of(value):
    return value.year if value else None


def direct_counts(projects, *, key=lambda project: "all", year=None):
    """{group: {column: value}} computed row by row from the projects' own records, no aggregation in SQL."""
    projects = [p for p in projects if p.state in CULTIVATED_STATES]
    ids = {p.pk: p for p in projects}
    result = {}

    def add(project, name, value, when):
        if year is not None and when != year:
            return
        group = result.setdefault(key(project), {})
        group[name] = group.get(name, 0) + value

    for project in projects:
        add(project, "projects", 1, project.batch.year)
    counted_reports = set()
    for report in ProgressReport.objects.all():
        if report.project_id not in ids or report.state not in HANDED_IN_STATES:
            continue
        counted_reports.add(report.pk)
        project = ids[report.project_id]
        add(project, "reports", 1, report.period_due.year)
        for name in ProgressReport.NUMBER_FIELDS:
            add(project, name, getattr(report, name), report.period_due.year)
        add(project, "meetings_total", report.meetings_total, report.period_due.year)
    for row in ActivityProgress.objects.select_related("report"):
        if row.report_id in counted_reports:
            add(ids[row.report.project_id], "times_held", row.times_held, row.report.period_due.year)
            add(ids[row.report.project_id], "participants", row.participants, row.report.period_due.year)

    def evidence_counts(item):
        return item.project_id in ids and (item.report_id is None or item.report_id in counted_reports)

    for item in Publication.objects.all():
        if evidence_counts(item):
            add(ids[item.project_id], f"channel_{item.channel}", 1, item.published_on.year)
            add(ids[item.project_id], "publications", 1, item.published_on.year)
    for item in Outcome.objects.all():
        if evidence_counts(item):
            when = item.achieved_on.year if item.achieved_on else timezone.localtime(item.created_at).year
            add(ids[item.project_id], f"outcome_{item.kind}", 1, when)
            add(ids[item.project_id], "outcomes", 1, when)
    for item in Exemplar.objects.all():
        if evidence_counts(item):
            when = timezone.localtime(item.created_at).year
            add(ids[item.project_id], f"exemplar_{item.kind}", 1, when)
            add(ids[item.project_id], "exemplars", 1, when)
    for activity in FeaturedActivity.objects.all():
        if activity.project_id in ids:
            add(ids[activity.project_id], "planned", activity.planned_budget, ids[activity.project_id].batch.year)
            add(ids[activity.project_id], "allocated", activity.allocated_budget, ids[activity.project_id].batch.year)
    for spending in Spending.objects.select_related("activity"):
        if spending.activity.project_id in ids:
            add(ids[spending.activity.project_id], "spent", spending.amount, spending.spent_on.year)
    return result


def non_zero(values):
    return {name: value for name, value in values.items() if value}

"""述职考核评议: the year's cultivation record of each branch and each 二级党组织, and its 评议 result.

Seed 002 ties acceptance to 基层党组织书记抓党建述职评议考核. For the 评议 meeting each organization's year
is gathered from what the system already holds, counted by the date each thing fell due or happened:
- 任务书: the tasks of the book in force (the latest confirmed version) due in the year; done, and late
  (due before today and not done, or done after its due date);
- 进展报告: the report periods due in the year and already past, and how many were handed in by their due
  date (a period never begun counts as not on time);
- 整改: the 整改意见 given in the year, answered, and verified as 整改到位 at acceptance;
- 等次: the 中期评估 and 验收 grades of its projects;
- 表彰: published commendations awarded in the year.
A 二级党组织's record adds up its branches'. Scoped like projects: a secretary sees their branch, 二级党组织
staff their sub-tree, 组织部 their school. Eight queries whatever the number of organizations.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from branches import access
from branches.audit import log_event
from branches.enums import Role
from branches.models import Organization
from cultivation.enums import CULTIVATED_STATES, Grade
from cultivation.models import FeedbackItem, Milestone, ProgressReport, Project
from cultivation.reports.enums import HANDED_IN_STATES
from cultivation.reports.selectors import periods_of
from transitions.refusals import MoveRefused, NotAllowed

from .enums import TaskBookState, TaskStatus
from .models import Appraisal, AppraisalResult, Commendation, Task

EVENT_LABELS = {"appraisal.recorded": "记录述职评议结果"}
GRADE_LABELS = dict(Grade.choices)


@dataclass
class Record:
    organization: Organization
    projects: list = field(default_factory=list)
    tasks: int = 0
    tasks_done: int = 0
    tasks_late: int = 0
    periods: int = 0
    on_time: int = 0
    feedback: int = 0
    answered: int = 0
    verified: int = 0
    commendations: int = 0
    grades: Counter = field(default_factory=Counter)
    appraisal: Appraisal = None

    @property
    def late_periods(self):
        return self.periods - self.on_time

    @property
    def grade_text(self):
        """验收 grades counted, 优秀 first ("优秀 2，良好 1"); a project without one is not counted."""
        return "，".join(f"{label} {self.grades[value]}" for value, label in Grade.choices if self.grades[value])

    def add(self, other):
        for name in ("tasks", "tasks_done", "tasks_late", "periods", "on_time", "feedback", "answered", "verified",
                     "commendations"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.grades.update(other.grades)
        self.projects += other.projects


def years_of(user):
    """The years the user's projects were cultivated in (their batches' years), newest first."""
    years = (Project.objects.visible_to(user).filter(state__in=CULTIVATED_STATES)
             .values_list("batch__year", flat=True).distinct().order_by("-batch__year"))
    return [year for year in years if year]


def records(user, year, *, today=None):
    """(branch records, 二级党组织 records) of the year in the user's scope, each ordered by code."""
    today = today or timezone.localdate()
    projects = list(Project.objects.visible_to(user).filter(state__in=CULTIVATED_STATES)
                    .select_related("organization", "unit", "batch").order_by("organization__code", "pk"))
    ids = [project.pk for project in projects]
    by_project = {project.pk: Record(project.organization, [project]) for project in projects}
    _periods(projects, by_project, year, today)
    _tasks(ids, by_project, year, today)
    for item in FeedbackItem.objects.filter(project_id__in=ids, created_at__year=year).values(
            "project_id", "responded_at", "verified"):
        row = by_project[item["project_id"]]
        row.feedback += 1
        row.answered += item["responded_at"] is not None
        row.verified += item["verified"] is True
    for project_id in Commendation.objects.filter(project_id__in=ids, published_at__isnull=False,
                                                  awarded_on__year=year).values_list("project_id", flat=True):
        by_project[project_id].commendations += 1
    for project in projects:
        if project.final_grade:
            by_project[project.pk].grades[project.final_grade] += 1

    branches, units = {}, {}
    for project in projects:
        branch = branches.setdefault(project.organization_id, Record(project.organization))
        branch.add(by_project[project.pk])
        unit = project.unit or project.organization
        units.setdefault(unit.pk, Record(unit)).add(by_project[project.pk])
    # A 二级党组织 the user cannot see (a secretary's unit) gets no row of its own.
    units = {pk: row for pk, row in units.items() if access.can_see(user, row.organization)}
    results = {a.organization_id: a for a in Appraisal.objects.filter(
        year=year, organization_id__in=[*branches, *units]).select_related("recorded_by")}
    for row in [*branches.values(), *units.values()]:
        row.appraisal = results.get(row.organization.pk)
    order = lambda row: (row.organization.code, row.organization.pk)  # noqa: E731
    return sorted(branches.values(), key=order), sorted(units.values(), key=order)


def _periods(projects, by_project, year, today):
    ids = [project.pk for project in projects]
    milestones, reports = {}, {}
    for milestone in Milestone.objects.filter(project_id__in=ids):
        milestones.setdefault(milestone.project_id, []).append(milestone)
    for report in ProgressReport.objects.filter(project_id__in=ids, period_due__year=year).only(
            "pk", "project_id", "period_due", "state", "submitted_at", "title", "version", "period_start"):
        reports.setdefault(report.project_id, []).append(report)
    for project in projects:
        row = by_project[project.pk]
        for period in periods_of(project, milestones.get(project.pk, ()), reports.get(project.pk, ())):
            if period.due.year != year or period.due >= today:
                continue
            row.periods += 1
            report = period.report
            row.on_time += bool(report is not None and report.state in HANDED_IN_STATES and report.submitted_at
                                and timezone.localdate(report.submitted_at) <= period.due)


def _tasks(ids, by_project, year, today):
    rows = (Task.objects.filter(book__project_id__in=ids, book__state=TaskBookState.CONFIRMED, due__year=year)
            .values("book__project_id", "book__number", "due", "status", "done_on"))
    in_force = {}
    for row in rows:
        in_force[row["book__project_id"]] = max(in_force.get(row["book__project_id"], 0), row["book__number"])
    for row in rows:
        project_id = row["book__project_id"]
        if row["book__number"] != in_force[project_id]:
            continue
        record = by_project[project_id]
        record.tasks += 1
        done = row["status"] == TaskStatus.DONE
        record.tasks_done += done
        finished_late = done and row["done_on"] is not None and row["done_on"] > row["due"]
        late = (not done and row["due"] < today) or finished_late
        record.tasks_late += late


def record_of(user, organization, year, *, today=None):
    """The organization's record (a branch's or a 二级党组织's) if the user may see it, else None."""
    branches, units = records(user, year, today=today)
    for row in [*branches, *units]:
        if row.organization.pk == organization.pk:
            return row
    return None


def may_record(user, organization):
    """Who records the 评议 result: 组织部 staff over the organization; for a branch, also its 二级党组织."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or access.manages_as(user, organization, roles={Role.ORG_STAFF}):
        return True
    return organization.is_branch and access.manages_as(user, organization, roles={Role.UNIT_STAFF})


@transaction.atomic
def appraisal_record(*, organization, year, actor, result, note=""):
    """Record (or change) the organization's 述职评议 result of the year."""
    if not may_record(actor, organization):
        raise NotAllowed("只有上级党组织（组织部或二级党组织）可以记录述职评议结果")
    if result not in AppraisalResult.values:
        raise MoveRefused("请选择评议结果（好、较好、一般、差）")
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not 2000 <= year <= this_year:
        raise MoveRefused(f"年度须在2000年至{this_year}年之间")
    note = (note or "").strip()
    if len(note) > 3000:
        raise MoveRefused("评议意见不能超过3000字")
    row = Appraisal.objects.select_for_update().filter(organization=organization, year=year).first()
    before = row.get_result_display() if row else ""
    if row is None:
        row = Appraisal(organization=organization, year=year)
    row.result, row.note, row.recorded_by = result, note, actor
    row.save()
    log_event(actor=actor, action="appraisal.recorded", target=row, data={
        "年度": year, "评议结果": row.get_result_display(), **({"原结果": before} if before else {})})
    return row


def default_year(today=None):
    """The year a 评议 meeting looks back on: last year until March, then this year."""
    today = today or timezone.localdate()
    return today.year - 1 if today < datetime.date(today.year, 3, 1) else today.year

"""Statistics the way the seeds count them: meetings by type, 特色活动, 宣传报道 by channel, 培育成果 in
the six types, 先进典型, 经费 and 发展党员, per branch, per 二级党组织, per batch or per year.

What counts:
- projects that are cultivation targets (认定之后, CULTIVATED_STATES) the user may see (Project.objects.
  visible_to) in batches the user may see (Batch.objects.visible_to);
- progress reports handed in (已提交、二级党组织已审核、组织部已确认: HANDED_IN_STATES), the same rule as the
  reviewers' side panel; a draft or a report sent back (已退回修改) is not counted until handed in again;
- evidence (宣传报道、培育成果、先进典型) registered on the project, or on a report that counts.

The year is the calendar year the thing happened in, as the seeds' annual summaries count: a report's
截止日期, a publication's 发布日期, an outcome's 取得日期 (else the day it was recorded), an exemplar's
登记日期, a spending's 支出日期; allocations carry no date, so they count in their batch's 年度.

Every table is eight GROUP BY queries whatever the number of rows (one per source table).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, IntegerField, Q, Sum
from django.db.models.functions import Coalesce, ExtractYear

from branches.selectors import unit_name
from cultivation.enums import CULTIVATED_STATES
from cultivation.models import (
    ActivityProgress, Batch, Exemplar, FeaturedActivity, Outcome, ProgressReport, Project, Publication, Spending,
)
from cultivation.reports.enums import HANDED_IN_STATES, Channel, ExemplarKind, OutcomeType

COUNTED_REPORT_STATES = HANDED_IN_STATES
COUNTED_REPORT_LABEL = "已提交、二级党组织已审核、组织部已确认"

GROUPINGS = {"branch": "党支部", "unit": "二级党组织", "batch": "批次", "year": "年度"}

MEETINGS = [("congress_count", "支部党员大会"), ("committee_count", "支委会"), ("group_count", "党小组会"),
            ("lecture_count", "党课"), ("theme_day_count", "主题党日")]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    money: bool = False


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    unit: str
    columns: list


SECTIONS = [
    Section("projects", "培育项目", "个", [Column("projects", "培育项目")]),
    Section("meetings", "“三会一课”及主题党日", "次", [
        Column("reports", "计入报告（份）"), *(Column(key, label) for key, label in MEETINGS),
        Column("meetings_total", "合计")]),
    Section("members", "发展党员", "人", [Column("new_members_count", "发展党员（人）")]),
    Section("activities", "特色活动", "次", [Column("times_held", "开展次数"), Column("participants", "参与人次")]),
    Section("publications", "宣传报道（按发布渠道）", "篇", [
        *(Column(f"channel_{value}", label) for value, label in Channel.choices), Column("publications", "合计")]),
    Section("outcomes", "培育成果（六类）", "项", [
        *(Column(f"outcome_{value}", label) for value, label in OutcomeType.choices), Column("outcomes", "合计")]),
    Section("exemplars", "先进典型", "人次", [
        *(Column(f"exemplar_{value}", label) for value, label in ExemplarKind.choices), Column("exemplars", "合计")]),
    Section("funding", "经费", "元", [
        Column("planned", "计划经费", money=True), Column("allocated", "学校支持经费", money=True),
        Column("spent", "已支出", money=True), Column("balance", "结余", money=True)]),
]
COLUMNS = [column for section in SECTIONS for column in section.columns]
MONEY = {column.key for column in COLUMNS if column.money}


def zero(key):
    return Decimal("0") if key in MONEY else 0


@dataclass
class Group:
    key: object
    label: str
    sort: object
    values: dict = field(default_factory=dict)

    def value(self, key):
        return self.values.get(key, zero(key))


@dataclass
class Table:
    by: str
    groups: list
    totals: dict
    pending_reports: int

    def total(self, key):
        return self.totals.get(key, zero(key))


def counted_projects(user):
    """The projects the statistics read: cultivation targets the user may see, in batches they may see."""
    return Project.objects.visible_to(user).filter(state__in=CULTIVATED_STATES,
                                                   batch__in=Batch.objects.visible_to(user))


def _group_fields(by, prefix):
    """(key, label, sort) lookups for a row whose project is at `prefix` (e.g. "report__project__")."""
    if by == "branch":
        return f"{prefix}organization_id", f"{prefix}organization__name", f"{prefix}organization__code"
    if by == "unit":  # rows in the organizations' listing order (branches.models.LISTING_ORDER): by code
        return f"{prefix}organization__unit_id", f"{prefix}organization__unit__name", f"{prefix}organization__unit__code"
    if by == "batch":
        return f"{prefix}batch_id", f"{prefix}batch__name", f"{prefix}batch__year"
    return "stat_year", "stat_year", "stat_year"


def _grouped(queryset, *, by, prefix, year_expr, year, **sums):
    """One GROUP BY query: `sums` per group, the rows already scoped; [(key, label, sort, {name: value})]."""
    if by == "year" or year is not None:
        queryset = queryset.annotate(stat_year=year_expr)
    if year is not None:
        queryset = queryset.filter(stat_year=year)
    key, label, sort = _group_fields(by, prefix)
    # A unit's school: where two schools meet, each with a 机关党委, the unit is named with it.
    school = f"{prefix}organization__unit__parent__name" if by == "unit" else None
    names = list(dict.fromkeys([key, label, sort, *([school] if school else [])]))
    rows = queryset.order_by().values(*names).annotate(**sums)
    return [(row[key], row[label], row[sort], row.get(school), {name: row[name] for name in sums}) for row in rows]


def _year_of(lookup):
    return ExtractYear(lookup)


def _evidence_condition(prefix=""):
    return Q(**{f"{prefix}report__isnull": True}) | Q(**{f"{prefix}report__state__in": COUNTED_REPORT_STATES})


def statistics(user, *, by="unit", batches=None, year=None):
    """The counts of the user's scope, grouped `by` branch, unit, batch or year; eight queries.

    `batches`: a queryset or list of batches to keep (already checked visible), or None for all.
    """
    projects = counted_projects(user)
    if batches is not None:
        projects = projects.filter(batch__in=batches)
    project_ids = projects.values("pk")
    reports = ProgressReport.objects.filter(project__in=project_ids)
    sources = [
        _grouped(Project.objects.filter(pk__in=project_ids), by=by, prefix="", year_expr=F("batch__year"), year=year,
                 projects=Count("pk")),
        _grouped(reports, by=by, prefix="project__", year_expr=_year_of("period_due"), year=year,
                 reports=Count("pk", filter=Q(state__in=COUNTED_REPORT_STATES)),
                 pending=Count("pk", filter=~Q(state__in=COUNTED_REPORT_STATES)),
                 **{name: Sum(name, filter=Q(state__in=COUNTED_REPORT_STATES))
                    for name in ProgressReport.NUMBER_FIELDS}),
        _grouped(ActivityProgress.objects.filter(report__project__in=project_ids,
                                                 report__state__in=COUNTED_REPORT_STATES),
                 by=by, prefix="report__project__", year_expr=_year_of("report__period_due"), year=year,
                 times_held=Sum("times_held"), participants=Sum("participants")),
        _grouped(Publication.objects.filter(_evidence_condition(), project__in=project_ids), by=by,
                 prefix="project__", year_expr=_year_of("published_on"), year=year,
                 **{f"channel_{value}": Count("pk", filter=Q(channel=value)) for value in Channel.values}),
        _grouped(Outcome.objects.filter(_evidence_condition(), project__in=project_ids), by=by, prefix="project__",
                 year_expr=Coalesce(ExtractYear("achieved_on"), ExtractYear("created_at"), output_field=IntegerField()),
                 year=year, **{f"outcome_{value}": Count("pk", filter=Q(kind=value)) for value in OutcomeType.values}),
        _grouped(Exemplar.objects.filter(_evidence_condition(), project__in=project_ids), by=by, prefix="project__",
                 year_expr=_year_of("created_at"), year=year,
                 **{f"exemplar_{value}": Count("pk", filter=Q(kind=value)) for value in ExemplarKind.values}),
        _grouped(FeaturedActivity.objects.filter(project__in=project_ids), by=by, prefix="project__",
                 year_expr=F("project__batch__year"), year=year,
                 planned=Sum("planned_budget"), allocated=Sum("allocated_budget")),
        _grouped(Spending.objects.filter(activity__project__in=project_ids), by=by, prefix="activity__project__",
                 year_expr=_year_of("spent_on"), year=year, spent=Sum("amount")),
    ]
    groups, schools = {}, {}
    for rows in sources:
        for key, label, sort, school, values in rows:
            group = groups.setdefault(key, Group(key=key, label=_label(by, label), sort=sort))
            schools[key] = school
            for name, value in values.items():
                group.values[name] = group.values.get(name, zero(name)) + (value or zero(name))
    if len(set(schools.values()) - {None}) > 1:
        for group in groups.values():
            if group.key is not None:
                group.label = unit_name(group.label, schools[group.key])
    for group in groups.values():
        _derive(group.values)
    pending = sum(group.values.pop("pending", 0) for group in groups.values())
    ordered = sorted(groups.values(), key=lambda g: _sort_key(by, g))
    totals = {column.key: zero(column.key) for column in COLUMNS}  # every column, even with nothing to count
    for group in ordered:
        for name, value in group.values.items():
            totals[name] = totals.get(name, zero(name)) + value
    return Table(by=by, groups=ordered, totals=totals, pending_reports=pending)


def _label(by, label):
    if label is None:
        return "（未归属二级党组织）" if by == "unit" else "（未知）"
    return f"{label}年" if by == "year" else str(label)


def _sort_key(by, group):
    if by == "batch":  # newest batch first, as the batch list
        return (-(group.sort or 0), -(group.key or 0))
    return (group.sort is None, group.sort or "", group.key or 0) if by != "year" else (group.sort or 0,)


def _derive(values):
    values["meetings_total"] = sum(values.get(key, 0) for key, _ in MEETINGS)
    values["publications"] = sum(values.get(f"channel_{value}", 0) for value in Channel.values)
    values["outcomes"] = sum(values.get(f"outcome_{value}", 0) for value in OutcomeType.values)
    values["exemplars"] = sum(values.get(f"exemplar_{value}", 0) for value in ExemplarKind.values)
    values["balance"] = values.get("allocated", zero("allocated")) - values.get("spent", zero("spent"))


@dataclass
class Comparison:
    batches: list
    rows: list  # [(section, column, [value per batch], [difference per later batch against the first])]


def compare(user, batches, *, year=None):
    """Batch against batch: every column for each batch side by side, and each later batch's difference
    from the first one chosen. Eight queries, however many batches."""
    table = statistics(user, by="batch", batches=batches, year=year)
    by_key = {group.key: group for group in table.groups}
    columns = []
    for section in SECTIONS:
        for column in section.columns:
            values = [by_key[b.pk].value(column.key) if b.pk in by_key else zero(column.key) for b in batches]
            columns.append((section, column, values, [value - values[0] for value in values[1:]]))
    return Comparison(batches=list(batches), rows=columns)


def grade_distribution(projects):
    """{"midterm": [(label, n)], "final": [(label, n)]} for the projects, in one query."""
    from cultivation.enums import Grade

    sums = {}
    for stage in ("midterm", "final"):
        for value in Grade.values:
            sums[f"{stage}_{value}"] = Count("pk", filter=Q(**{f"{stage}_grade": value}))
        sums[f"{stage}_none"] = Count("pk", filter=Q(**{f"{stage}_grade": ""}))
    row = projects.order_by().aggregate(**sums)
    result = {}
    for stage in ("midterm", "final"):
        result[stage] = [(label, row[f"{stage}_{value}"]) for value, label in Grade.choices] + [
            ("尚未评定", row[f"{stage}_none"])]
    return result

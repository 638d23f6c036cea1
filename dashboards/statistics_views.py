"""Statistics pages: the counts by branch, unit, batch or year; batch against batch; the printable
one-page summary of a batch for a 党委会 meeting. Each runs a constant number of queries."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from branches import access
from branches.exports import Column, xlsx_response
from branches.enums import Role
from branches.inputs import parse_count, parse_id, query_count, query_text, query_texts, query_without
from cultivation.models import Batch

from . import statistics, summary

STATISTICS_ROLES = {Role.ORG_STAFF, Role.UNIT_STAFF, Role.SECRETARY}
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
MOST_COMPARED = 6
GROUPS_PER_PAGE = 30
# The column a section's bar shows (else its last column, the total).
BAR_COLUMNS = {"funding": "allocated", "activities": "times_held", "meetings": "meetings_total"}


def _require_statistics_role(user):
    """Who has a scope to count: 组织部, 二级党组织 staff and 支部书记 (reviewers see projects, not a tree)."""
    if not (user.is_superuser or access.roles(user) & STATISTICS_ROLES):
        access.refuse(user, "statistics", not_found=False)


def _visible_batches(user):
    return Batch.objects.visible_to(user).select_related("owner")


def _year(request, problems):
    raw = query_text(request, "year")
    if not raw:
        return None
    year = parse_count(raw)
    if year is None or not EARLIEST_YEAR <= year <= LATEST_YEAR:
        problems.append(f"年度“{raw[:20]}”无效（应为 {EARLIEST_YEAR}–{LATEST_YEAR} 之间的四位数字），已显示全部年度")
        return None
    return year


def _default_grouping(user):
    if user.is_superuser or access.has_role(user, Role.ORG_STAFF):
        return "unit"
    return "branch"


def _sections(table, groups):
    """[{section, rows: [(group, [(column, value)], bar percent)], totals: [(column, value)]}] for the template."""
    sections = []
    for section in statistics.SECTIONS:
        bar_key = BAR_COLUMNS.get(section.key, section.columns[-1].key)
        top = max((group.value(bar_key) for group in table.groups), default=0) or 1
        rows = [(group, [(column, group.value(column.key)) for column in section.columns],
                 round(100 * group.value(bar_key) / top)) for group in groups]
        sections.append({"section": section, "rows": rows,
                         "totals": [(column, table.total(column.key)) for column in section.columns]})
    return sections


def _counted(request):
    """The statistics the query string asks for: (problems, by, year, batch, batches, table); the page and
    its export read the same one."""
    user = request.user
    _require_statistics_role(user)
    problems = []
    by = query_text(request, "by")
    if by and by not in statistics.GROUPINGS:
        problems.append("统计口径无效，已按默认口径显示")
    if by not in statistics.GROUPINGS:
        by = _default_grouping(user)
    year = _year(request, problems)
    batch = None
    raw_batch = query_text(request, "batch")
    if raw_batch:
        batch_id = parse_id(raw_batch)
        batch = _visible_batches(user).filter(pk=batch_id).first() if batch_id else None
        if batch is None:
            access.refuse(user, f"statistics of batch {raw_batch[:20]}")
    batches = list(_visible_batches(user))
    table = statistics.statistics(user, by=by, batches=[batch] if batch else None, year=year)
    return problems, by, year, batch, batches, table


@login_required
def statistics_page(request):
    user = request.user
    problems, by, year, batch, batches, table = _counted(request)
    page = Paginator(table.groups, GROUPS_PER_PAGE).get_page(query_count(request, "page"))
    managed = set(Batch.objects.managed_by(user).filter(pk__in=[b.pk for b in batches]).values_list("pk", flat=True))
    return render(request, "dashboards/statistics.html", {
        "problems": problems, "by": by, "groupings": statistics.GROUPINGS.items(), "year": year,
        "years": _years(batches), "batch": batch, "batches": batches, "table": table, "page": page,
        "sections": _sections(table, page.object_list), "counted_label": statistics.COUNTED_REPORT_LABEL,
        "managed_batches": [b for b in batches if b.pk in managed], "query": query_without(request, "page"),
    })


def export_columns(by):
    """One column for the grouping, then every counted column, named with its section where it has several."""
    columns = [Column(statistics.GROUPINGS[by], lambda group: group.label, width=24)]
    for section in statistics.SECTIONS:
        for column in section.columns:
            header = column.label if len(section.columns) == 1 else f"{section.title}：{column.label}"
            columns.append(Column(f"{header}（{section.unit}）" if column.money else header,
                                  lambda group, key=column.key: group.value(key)))
    return columns


@login_required
def statistics_export(request):
    """The statistics as the page shows them (same filters and grouping), every row, then the totals."""
    problems, by, year, batch, batches, table = _counted(request)
    totals = statistics.Group(key=None, label="合计", sort=None, values=table.totals)
    name = f"培育工作统计-按{statistics.GROUPINGS[by]}" + (f"-{batch.name}" if batch else "") + (f"-{year}年" if year else "")
    return xlsx_response(name=name, title="培育工作统计", columns=export_columns(by), items=[*table.groups, totals])


def _years(batches):
    today = timezone.localdate()
    first = min((b.year for b in batches), default=today.year)
    last = max([today.year, *(b.year + 2 for b in batches)])
    return list(range(last, first - 1, -1))


@login_required
def statistics_compare(request):
    user = request.user
    _require_statistics_role(user)
    problems = []
    year = _year(request, problems)
    raw = query_texts(request, "batches")
    ids = []
    for value in raw:
        batch_id = parse_id(value)
        if batch_id is None:
            access.refuse(user, f"compare batch {value[:20]}")
        if batch_id not in ids:
            ids.append(batch_id)
    if len(ids) > MOST_COMPARED:
        problems.append(f"一次最多对比 {MOST_COMPARED} 个批次，已取前 {MOST_COMPARED} 个")
        ids = ids[:MOST_COMPARED]
    batches = list(_visible_batches(user))
    found = {b.pk: b for b in batches if b.pk in ids}
    if len(found) != len(ids):
        access.refuse(user, f"compare batches {ids}")
    chosen = [found[pk] for pk in ids]
    comparison = None
    if len(chosen) >= 2:
        comparison = statistics.compare(user, chosen, year=year)
    elif raw:
        problems.append("请至少选择两个批次进行对比")
    return render(request, "dashboards/statistics_compare.html", {
        "problems": problems, "batches": batches, "chosen_ids": ids, "chosen": chosen, "comparison": comparison,
        "year": year, "years": _years(batches), "counted_label": statistics.COUNTED_REPORT_LABEL,
    })


@login_required
def batch_summary(request, pk):
    batch = summary.managed_batch(request.user, pk)
    if batch is None:
        access.refuse(request.user, f"summary of batch {pk}")
    context = summary.batch_summary(request.user, batch)
    table = context["table"]
    context["sections"] = _sections(table, table.groups)
    context["counted_label"] = statistics.COUNTED_REPORT_LABEL
    return render(request, "dashboards/summary.html", context)

"""Every other list's 导出 Excel: the rows the list shows (filters applied, scope kept), user text kept as
text, dates as dates, a frozen header, a fixed number of queries, and a refusal for the wrong person."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.audit import log_event
from cultivation.enums import ProjectState
from cultivation.models import Notice, NoticeItem, Objection, Project, Spending
from cultivation.models.notices import NoticeKind
from tests.factories import (BatchFactory, BranchFactory, ProjectFactory, RoundFactory,
                             cultivating_project, progress_report, round_project)

from .helpers import column, rows_of, sheet_of

FORMULA = "=HYPERLINK(\"http://evil.example\",\"点我\")"


def names_on_page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.context["page"]


# ---- organizations -----------------------------------------------------------------------------

def test_the_roster_export_applies_the_list_filters_and_scope(tree, other, client_for):
    BranchFactory(name=FORMULA, parent=tree.unit_b)
    client = client_for(tree.staff)
    list_url, export_url = reverse("branches:organization_list"), reverse("branches:roster_export")
    for query in ["", f"unit={tree.unit_a.pk}", "kind=branch&q=%E4%B9%99", f"unit={other['unit'].pk}", "unit=zz"]:
        listed = [org.name for org in names_on_page(client, f"{list_url}?{query}")]
        assert column(client.get(f"{export_url}?{query}"), "组织名称") == listed, query
    assert "外校党支部" not in column(client.get(export_url), "组织名称")
    sheet = sheet_of(client.get(f"{export_url}?unit={tree.unit_b.pk}"))
    assert sheet.freeze_panes == "A2"
    cells = [row[1] for row in sheet.iter_rows(min_row=2) if row[1].value == FORMULA]
    assert cells and cells[0].data_type == "s" and cells[0].quotePrefix
    founded = [row[6].value for row in sheet.iter_rows(min_row=2) if row[6].value]
    assert founded and all(isinstance(value, datetime.datetime) for value in founded)


def test_the_roster_counts_are_of_the_exported_sub_tree(tree, client_for):
    rows = rows_of(client_for(tree.staff).get(reverse("branches:roster_export")))[1]
    by_name = {row["组织名称"]: row for row in rows}
    assert by_name["甲学院党委"]["下属党支部数"] == 2
    assert by_name["测试大学党委"]["下属党支部数"] == 4
    assert by_name["甲学院党委"]["党员总数（含下级）"] == 26


def test_the_roster_export_is_refused_to_a_unit(tree, client_for):
    assert client_for(tree.unit_staff).get(reverse("branches:roster_export")).status_code == 403


# ---- events ------------------------------------------------------------------------------------

def test_the_event_export_applies_the_list_filters_and_scope(tree, other, client_for):
    log_event(actor=tree.staff, action="organization.updated", target=tree.branch_a1, data={"名称": FORMULA})
    log_event(actor=None, action="organization.created", target=tree.branch_b1)
    log_event(actor=other["staff"], action="organization.updated", target=other["branch"])
    client = client_for(tree.staff)
    list_url, export_url = reverse("branches:event_list"), reverse("branches:event_export")
    for query in ["", "action=organization.updated", "action=nope", "date_from=2099-01-01", "date_from=garbage"]:
        listed = [event.object_repr for event in names_on_page(client, f"{list_url}?{query}")]
        assert column(client.get(f"{export_url}?{query}"), "对象") == listed, query
    header, rows = rows_of(client.get(export_url))
    assert "外校党支部" not in [row["对象"] for row in rows]
    assert {row["操作人"] for row in rows if row["对象"] == "乙一党支部"} == {"系统"}
    assert all(isinstance(row["时间"], datetime.datetime) for row in rows)
    assert client_for(tree.unit_staff).get(export_url).status_code == 403


# ---- notices and objections --------------------------------------------------------------------

def notice_of(batch, projects, staff, *, title="拟认定公示"):
    today = timezone.localdate()
    notice = Notice.objects.create(batch=batch, kind=NoticeKind.RECOGNITION, title=title, body="现予公示",
                                   starts_on=today, ends_on=today + datetime.timedelta(days=7), published_by=staff)
    items = [NoticeItem.objects.create(notice=notice, project=project, order=i) for i, project in enumerate(projects)]
    return notice, items


def test_the_notice_and_objection_exports(tree, other, client_for):
    batch = BatchFactory()
    notice, items = notice_of(batch, [ProjectFactory(batch=batch, organization=tree.branch_a1)], tree.staff)
    Objection.objects.create(notice=notice, item=items[0], name="+1", contact="@SUM(A1)", content=FORMULA)
    Objection.objects.create(notice=notice, name="-2", contact="13800000000", content="对整份公示有意见")
    notice_of(other["batch"], [ProjectFactory(batch=other["batch"], organization=other["branch"])], other["staff"],
              title="外校公示")
    client = client_for(tree.staff)
    header, rows = rows_of(client.get(reverse("cultivation:notice_export")))
    assert [row["标题"] for row in rows] == ["拟认定公示"]
    assert rows[0]["异议数"] == 2 and rows[0]["未处理异议"] == 2
    assert isinstance(rows[0]["公示开始"], datetime.datetime)
    export = reverse("cultivation:objection_export", args=[notice.pk])
    sheet = sheet_of(client.get(export))
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert [row[:5] for row in values] == [["+1", "@SUM(A1)", None, "甲一党支部", FORMULA],
                                           ["-2", "13800000000", None, "整份公示", "对整份公示有意见"]]
    typed = [row[i] for row in sheet.iter_rows(min_row=2) for i in (0, 1, 4)]
    assert all(cell.data_type == "s" for cell in typed if cell.value)
    assert client_for(other["staff"]).get(export).status_code == 404
    assert client_for(tree.unit_staff).get(export).status_code == 403
    assert client_for(tree.unit_staff).get(reverse("cultivation:notice_export")).status_code == 403


# ---- screening and nominations -----------------------------------------------------------------

def test_the_screening_and_nomination_exports(tree, other, client_for):
    batch = BatchFactory()
    for branch in (tree.branch_a1, tree.branch_a2, tree.branch_b1):
        ProjectFactory(batch=batch, organization=branch, title=FORMULA)
    Project.objects.filter(batch=batch).exclude(organization=tree.branch_b1).update(state=ProjectState.NOMINATED)
    Project.objects.filter(batch=batch, organization=tree.branch_b1).update(state=ProjectState.SUBMITTED)
    client = client_for(tree.staff)
    screening, export = (reverse("cultivation:screening", args=[batch.pk]),
                         reverse("cultivation:screening_export", args=[batch.pk]))
    for query in ["", "branch_type=student", "sort=name", "unit=x", "state=draft"]:
        listed = [p.organization.name for p in names_on_page(client, f"{screening}?{query}")]
        assert column(client.get(f"{export}?{query}"), "党支部") == listed, query
    assert column(client.get(f"{export}?branch_type=student"), "党支部") == ["甲二党支部"]
    assert client_for(other["staff"]).get(export).status_code == 404
    assert client_for(tree.unit_staff).get(export).status_code == 403
    nominations = reverse("cultivation:nominations_export", args=[batch.pk])
    assert sorted(column(client_for(tree.unit_staff).get(nominations), "党支部")) == ["甲一党支部", "甲二党支部"]
    assert column(client_for(tree.other_unit_staff).get(nominations), "党支部") == ["乙一党支部"]
    assert client_for(tree.secretary).get(nominations).status_code == 403


# ---- progress reports and funding --------------------------------------------------------------

def test_the_report_export_follows_the_tab_and_scope(tree, other, client_for):
    a1 = cultivating_project(tree.branch_a1)
    b1 = cultivating_project(tree.branch_b1, batch=a1.batch)
    progress_report(a1, state="endorsed")
    progress_report(b1, state="submitted")
    client = client_for(tree.staff)
    list_url, export = reverse("cultivation:report_list"), reverse("cultivation:report_export")
    for query in ["", "tab=submitted", "tab=due", "tab=overdue", "tab=nonsense"]:
        page = names_on_page(client, f"{list_url}?{query}")
        listed = [item.project.organization.name for item in page]
        assert column(client.get(f"{export}?{query}"), "党支部") == listed, query
    rows = rows_of(client.get(f"{export}?tab=endorsed"))[1]
    assert [row["党支部"] for row in rows] == ["甲一党支部"]
    assert isinstance(rows[0]["截止日期"], datetime.datetime)
    assert column(client_for(tree.other_unit_staff).get(f"{export}?tab=endorsed"), "党支部") == []
    assert column(client_for(other["staff"]).get(f"{export}?tab=submitted"), "党支部") == []


def test_the_funding_export_sums_spending_per_activity_by_batch_and_unit(tree, other, client_for):
    a1 = cultivating_project(tree.branch_a1)
    cultivating_project(tree.branch_b1, batch=a1.batch)
    cultivating_project(other["branch"])
    activity = a1.activities.get()
    activity.allocated_budget = Decimal("3000")
    activity.save()
    for amount in ("500.50", "499.50"):
        Spending.objects.create(activity=activity, amount=Decimal(amount), spent_on=timezone.localdate(),
                                purpose="=印制材料", created_by=tree.secretary)
    client = client_for(tree.staff)
    export = reverse("cultivation:funding_export")
    rows = rows_of(client.get(export))[1]
    assert sorted(row["培育单位"] for row in rows) == ["乙一党支部", "甲一党支部"]
    row = next(row for row in rows if row["培育单位"] == "甲一党支部")
    assert (row["计划经费（元）"], row["学校支持经费（元）"], row["已支出（元）"], row["结余（元）"]) == (5000, 3000, 1000, 2000)
    assert column(client.get(f"{export}?unit={tree.unit_b.pk}"), "培育单位") == ["乙一党支部"]
    # Another school's batch is not a choice here: ignored, as an invalid filter is on every list.
    assert sorted(column(client.get(f"{export}?batch={other['batch'].pk}"), "培育单位")) == ["乙一党支部", "甲一党支部"]
    assert sorted(column(client.get(f"{export}?batch=abc&unit=-5"), "培育单位")) == ["乙一党支部", "甲一党支部"]
    assert column(client.get(f"{export}?batch={a1.batch.pk}&unit={tree.unit_a.pk}"), "培育单位") == ["甲一党支部"]
    assert column(client_for(tree.secretary).get(export), "培育单位") == ["甲一党支部"]
    assert column(client_for(other["staff"]).get(export), "培育单位") == ["外校党支部"]


# ---- evaluation results ------------------------------------------------------------------------

def test_the_round_results_export_is_the_staff_of_the_round(tree, other, client_for):
    round_ = RoundFactory()
    round_project(tree.branch_a1, round_)
    round_project(tree.branch_b1, round_)
    export = reverse("evaluations:round_results_export", args=[round_.pk])
    page = names_on_page(client_for(tree.staff), reverse("evaluations:round_results", args=[round_.pk]))
    rows = rows_of(client_for(tree.staff).get(export))[1]
    assert [row["培育单位"] for row in rows] == [result.project.organization.name for result in page]
    assert {row["有效评分"] for row in rows} == {0}
    assert client_for(other["staff"]).get(export).status_code == 404
    assert client_for(tree.unit_staff).get(export).status_code in (403, 404)


def test_the_branch_results_export_answers_as_the_list(tree, client_for):
    export = reverse("evaluations:branch_results_export")
    assert rows_of(client_for(tree.secretary).get(export))[1] == []
    assert client_for(tree.reviewer).get(export).status_code == 403


# ---- query counts ------------------------------------------------------------------------------

def grow(tree, size):
    """`size` more branches under 甲学院党委, each with a cultivation project, report, spending and event."""
    batch = BatchFactory(start=timezone.localdate() - datetime.timedelta(days=90))
    for _ in range(size):
        branch = BranchFactory(parent=tree.unit_a)
        project = cultivating_project(branch, batch=batch)
        progress_report(project, state="endorsed")
        Spending.objects.create(activity=project.activities.get(), amount=Decimal("1"),
                                spent_on=timezone.localdate(), purpose="资料", created_by=tree.secretary)
        log_event(actor=tree.staff, action="organization.updated", target=branch)
        notice_of(batch, [project], tree.staff, title=f"{branch.name}公示")


@pytest.mark.parametrize("name, query", [
    ("branches:roster_export", ""), ("branches:event_export", "action=organization.updated"),
    ("cultivation:project_export", ""), ("cultivation:notice_export", ""),
    ("cultivation:report_export", "tab=endorsed"), ("cultivation:funding_export", ""),
])
def test_each_export_runs_the_same_queries_at_two_sizes(tree, client_for, django_assert_num_queries, name, query):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(tree.staff)
    url = f"{reverse(name)}?{query}"
    grow(tree, 1)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        rows_small = len(rows_of(client.get(url))[1])
    grow(tree, 3)
    with django_assert_num_queries(len(small)):
        rows_large = len(rows_of(client.get(url))[1])
    assert rows_large > rows_small

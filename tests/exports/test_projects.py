"""The project list's 导出 Excel: the list's filters and scope, user text as text, dates as dates, a frozen
header, flat memory and a fixed number of queries at any size, bad filters answered as the list answers."""

import datetime
import tracemalloc
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.enums import OrgKind, Role
from cultivation.enums import ProjectState
from cultivation.models import Project
from tests.factories import BatchFactory, BranchFactory, OrganizationFactory, ProjectFactory, user_with_role

from .helpers import column, rows_of, sheet_of

EXPORT = reverse("cultivation:project_export")
LIST = reverse("cultivation:project_list")
HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"点我\")", "+1", "-2", "@SUM(A1:A9)"]


def listed_names(client, query=""):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    return [project.organization.name for project in response.context["page"]]


@pytest.fixture
def world(tree):
    batch = BatchFactory()
    a1 = ProjectFactory(batch=batch, organization=tree.branch_a1, title=HOSTILE[0])
    ProjectFactory(batch=batch, organization=tree.branch_a2, title=HOSTILE[1])
    b1 = ProjectFactory(batch=batch, organization=tree.branch_b1, title=HOSTILE[2])
    ProjectFactory(batch=batch, organization=tree.direct, title=HOSTILE[3])
    submitted_at = timezone.make_aware(datetime.datetime(2019, 6, 10, 9, 30))
    Project.objects.filter(pk__in=[a1.pk, b1.pk]).update(state=ProjectState.SUBMITTED, submitted_at=submitted_at)
    other_school = OrganizationFactory(kind=OrgKind.SCHOOL, name="外校党委")
    other_unit = OrganizationFactory(name="外校学院党委", parent=other_school)
    other_batch = BatchFactory(owner=other_school)
    ProjectFactory(batch=other_batch, organization=BranchFactory(name="外校党支部", parent=other_unit))
    return {"batch": batch, "a1": a1, "b1": b1, "other_staff": user_with_role(Role.ORG_STAFF, other_school),
            "other_batch": other_batch}


def test_the_export_holds_the_rows_and_values_the_list_shows(tree, world, client_for):
    client = client_for(tree.staff)
    response = client.get(EXPORT)
    header, rows = rows_of(response)
    assert header[:6] == ["培育单位", "组织编码", "二级党组织", "批次", "创建主题", "状态"]
    assert [row["培育单位"] for row in rows] == listed_names(client)
    assert "外校党支部" not in [row["培育单位"] for row in rows]
    by_name = {row["培育单位"]: row for row in rows}
    assert by_name["甲一党支部"]["状态"] == ProjectState.SUBMITTED.label
    assert by_name["甲一党支部"]["二级党组织"] == "甲学院党委"
    assert by_name["甲一党支部"]["批次"] == world["batch"].name


@pytest.mark.parametrize("query", ["state=submitted", "q=%E7%94%B2", "batch={batch}&state=draft"])
def test_the_export_applies_the_list_filters(tree, world, client_for, query):
    client = client_for(tree.staff)
    query = query.format(batch=world["batch"].pk)
    exported = column(client.get(f"{EXPORT}?{query}"), "培育单位")
    assert exported == listed_names(client, query)
    assert 0 < len(exported) < 4


def test_a_unit_gets_only_its_own_rows_and_another_school_none_of_ours(tree, world, client_for):
    assert sorted(column(client_for(tree.unit_staff).get(EXPORT), "培育单位")) == ["甲一党支部", "甲二党支部"]
    assert column(client_for(tree.secretary).get(EXPORT), "培育单位") == ["甲一党支部"]
    assert column(client_for(world["other_staff"]).get(EXPORT), "培育单位") == ["外校党支部"]
    # Filtering by a batch one cannot see is an invalid choice: the list and the export ignore it alike.
    query = f"batch={world['batch'].pk}"
    assert column(client_for(world["other_staff"]).get(f"{EXPORT}?{query}"), "培育单位") == ["外校党支部"]


def test_the_export_needs_a_login(client, world):
    response = client.get(EXPORT)
    assert response.status_code == 302 and "login" in response["Location"]


def test_formula_looking_titles_come_back_as_the_text_typed(tree, world, client_for):
    sheet = sheet_of(client_for(tree.staff).get(EXPORT))
    header = [cell.value for cell in sheet[1]]
    titles = [row[header.index("创建主题")] for row in sheet.iter_rows(min_row=2)]
    assert sorted(cell.value for cell in titles) == sorted(HOSTILE)
    assert all(cell.data_type == "s" for cell in titles)
    assert all(cell.quotePrefix for cell in titles)


def test_dates_are_dates_and_the_header_is_frozen(tree, world, client_for):
    sheet = sheet_of(client_for(tree.staff).get(f"{EXPORT}?state=submitted"))
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    submitted = [row[header.index("提交时间")].value for row in sheet.iter_rows(min_row=2)]
    # The wall-clock time of the site, not UTC.
    assert submitted == [datetime.datetime(2019, 6, 10, 9, 30)] * 2


def test_the_file_is_named_in_chinese_with_the_date(tree, world, client_for):
    response = client_for(tree.staff).get(EXPORT)
    name = f"培育项目-{timezone.localdate():%Y%m%d}.xlsx"
    assert quote(name) in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("query", ["batch=abc", "batch=99999999", "state=bogus", "batch=1e3&state=%00", "page=x",
                                   "q=" + "长" * 200, "batch=-1"])
def test_bad_filters_answer_as_the_list_answers(tree, world, client_for, query):
    client = client_for(tree.staff)
    assert column(client.get(f"{EXPORT}?{query}"), "培育单位") == listed_names(client, query)


def make_projects(tree, count):
    """`count` projects over one batch per hundred branches, bulk-created."""
    branches = [BranchFactory(parent=tree.unit_a) for _ in range(100)]
    batches = [BatchFactory() for _ in range(max(1, count // 100))]
    Project.objects.bulk_create([
        Project(batch=batch, organization=branch, unit=tree.unit_a, title=f"=主题{index}",
                state=ProjectState.SUBMITTED, submitted_at=timezone.now(),
                concept="立意", practice="做法", experience="经验", plan="思路")
        for index, (batch, branch) in enumerate((b, o) for b in batches for o in branches)][:count], batch_size=2000)


def test_the_query_count_does_not_grow_with_rows(tree, client_for, django_assert_num_queries):
    client = client_for(tree.staff)
    make_projects(tree, 100)
    client.get(EXPORT)  # warm the session and the caches
    with django_assert_num_queries(4):
        assert len(column(client.get(EXPORT), "培育单位")) == 100
    make_projects(tree, 300)
    with django_assert_num_queries(4):
        assert len(column(client.get(EXPORT), "培育单位")) == 400


def peak_export(client):
    """Peak Python memory (bytes) while the export is built and sent, and the file's bytes."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        response = client.get(EXPORT)
        content = b"".join(response.streaming_content)
        return tracemalloc.get_traced_memory()[1], content
    finally:
        tracemalloc.stop()


def test_ten_thousand_rows_stream_in_flat_memory(tree, client_for, capsys):
    import io

    from openpyxl import load_workbook

    client = client_for(tree.staff)
    client.get(LIST)
    make_projects(tree, 1000)
    small, _ = peak_export(client)
    make_projects(tree, 9000)
    large, content = peak_export(client)
    with capsys.disabled():
        print(f"\n项目导出内存峰值：1,000 行 {small / 2**20:.1f} MB，10,000 行 {large / 2**20:.1f} MB")
    assert large <= small + 5 * 2**20
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 10000
    assert sorted(row[4] for row in rows) == sorted([f"=主题{i}" for i in range(1000)] + [
        f"=主题{i}" for i in range(9000)])

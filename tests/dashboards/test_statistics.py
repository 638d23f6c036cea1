"""Statistics: every number equals a count made row by row; scoped to the user; batch against batch."""

import pytest
from django.urls import reverse

from cultivation.models import Project
from dashboards import statistics
from tests.dashboards.helpers import World, direct_counts, non_zero

pytestmark = pytest.mark.django_db

KEYS = {
    "branch": lambda project: project.organization_id,
    "unit": lambda project: project.organization.unit_id,
    "batch": lambda project: project.batch_id,
    "year": None,  # varies per record: checked with the year filter instead
}


def page_counts(table):
    return {group.key: non_zero({k: v for k, v in group.values.items() if k != "balance"}) for group in table.groups}


@pytest.fixture
def world(tree):
    return World(tree, size=3)


def school_projects(world):
    return list(Project.objects.filter(pk__in=[p.pk for p in [*world.projects, world.draft]])
                .select_related("batch", "organization"))


@pytest.mark.parametrize("by", ["branch", "unit", "batch"])
def test_every_group_equals_a_direct_count(world, by):
    table = statistics.statistics(world.tree.staff, by=by)
    expected = {key: non_zero(values) for key, values in direct_counts(school_projects(world), key=KEYS[by]).items()}
    assert page_counts(table) == expected
    assert len(table.groups) == len(expected) > 1


def test_the_totals_equal_a_direct_count_and_the_balance_is_allocated_less_spent(world):
    table = statistics.statistics(world.tree.staff, by="branch")
    expected = non_zero(direct_counts(school_projects(world))["all"])
    assert non_zero({k: v for k, v in table.totals.items() if k != "balance"}) == expected
    assert table.totals["balance"] == expected["allocated"] - expected["spent"]
    # Draft and returned reports are left out, and said so.
    assert table.pending_reports == sum(1 for p in world.projects for r in p.reports.all()
                                        if r.state in ("draft", "returned"))
    assert table.pending_reports > 0


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_per_year_each_record_counts_in_the_year_it_happened(world, year):
    table = statistics.statistics(world.tree.staff, by="year")
    filtered = statistics.statistics(world.tree.staff, by="branch", year=year)
    expected = non_zero(direct_counts(school_projects(world), year=year).get("all", {}))
    assert non_zero({k: v for k, v in filtered.totals.items() if k != "balance"}) == expected
    row = next((g for g in table.groups if g.key == year), None)
    assert non_zero({k: v for k, v in (row.values if row else {}).items() if k != "balance"}) == expected


def test_a_project_not_yet_recognized_counts_nothing(world):
    table = statistics.statistics(world.tree.staff, by="branch", batches=[world.second])
    assert world.tree.branch_b1.pk not in {g.key for g in table.groups}
    assert table.total("projects") == 2


def test_unit_staff_count_only_their_sub_tree(world):
    table = statistics.statistics(world.tree.unit_staff, by="branch")
    sub_tree = [p for p in school_projects(world) if p.organization.unit_id == world.tree.unit_a.pk]
    assert {g.key for g in table.groups} == {world.tree.branch_a1.pk, world.tree.branch_a2.pk}
    assert non_zero({k: v for k, v in table.totals.items() if k != "balance"}) == non_zero(
        direct_counts(sub_tree)["all"])


def test_a_secretary_counts_only_their_branch(world):
    table = statistics.statistics(world.tree.secretary, by="batch")
    mine = [p for p in school_projects(world) if p.organization_id == world.tree.branch_a1.pk]
    assert {g.key for g in table.groups} == {world.first.pk, world.second.pk}
    assert non_zero({k: v for k, v in table.totals.items() if k != "balance"}) == non_zero(direct_counts(mine)["all"])


def test_another_schools_data_never_counts(world):
    table = statistics.statistics(world.tree.staff, by="batch")
    assert world.other_batch.pk not in {g.key for g in table.groups}
    theirs = statistics.statistics(world.other_staff, by="batch")
    assert {g.key for g in theirs.groups} == {world.other_batch.pk}
    assert theirs.total("projects") == 1


def test_batch_against_batch_gives_each_batch_and_the_differences(world):
    comparison = statistics.compare(world.tree.staff, [world.second, world.first])
    projects = school_projects(world)
    counts = direct_counts(projects, key=lambda p: p.batch_id)
    second, first = counts[world.second.pk], counts[world.first.pk]
    rows = {column.key: (values, differences) for _, column, values, differences in comparison.rows}
    for key in ["projects", "reports", "congress_count", "theme_day_count", "new_members_count", "times_held",
                "participants", "publications", "channel_xuexi", "outcomes", "outcome_method", "exemplars",
                "planned", "allocated", "spent"]:
        values, differences = rows[key]
        assert values == [second.get(key, 0), first.get(key, 0)], key
        assert differences == [first.get(key, 0) - second.get(key, 0)], key
    assert rows["projects"][1] == [1]  # three recognized in the first batch, two in the second


def test_the_statistics_page_shows_the_counts_and_says_what_counts(world, client_for):
    response = client_for(world.tree.staff).get(reverse("dashboards:statistics"), {"by": "branch"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "已提交、二级党组织已审核、组织部已确认" in page and "草稿和已退回修改的报告不计入" in page
    expected = direct_counts(school_projects(world), key=KEYS["branch"])[world.tree.branch_a1.pk]
    assert f'data-testid="row-meetings-{world.tree.branch_a1.pk}"' in page
    row = page.split(f'data-testid="row-meetings-{world.tree.branch_a1.pk}"')[1].split("</tr>")[0]
    assert f'data-column="congress_count">{expected["congress_count"]}</td>' in row
    assert "甲一党支部" in page and "丙一党支部" not in page
    assert reverse("dashboards:batch_summary", args=[world.first.pk]) in page


def test_the_compare_page_shows_signed_differences(world, client_for):
    response = client_for(world.tree.staff).get(reverse("dashboards:statistics_compare"),
                                                {"batches": [world.second.pk, world.first.pk]})
    page = response.content.decode()
    assert response.status_code == 200
    row = page.split('data-testid="compare-projects"')[1].split("</tr>")[0]
    assert '<td class="text-end text-success" data-role="difference">+1</td>' in row
    assert "第一批" in page and "第二批" in page


@pytest.mark.parametrize("params", [{"batch": "abc"}, {"batch": "999999"}, {"batch": "١٢"}, {"batch": "0"}])
def test_an_unknown_or_malformed_batch_is_404(world, client_for, params):
    assert client_for(world.tree.staff).get(reverse("dashboards:statistics"), params).status_code == 404


def test_another_schools_batch_is_404_everywhere(world, client_for):
    client = client_for(world.tree.staff)
    assert client.get(reverse("dashboards:statistics"), {"batch": world.other_batch.pk}).status_code == 404
    assert client.get(reverse("dashboards:statistics_compare"),
                      {"batches": [world.first.pk, world.other_batch.pk]}).status_code == 404
    assert client.get(reverse("dashboards:batch_summary", args=[world.other_batch.pk])).status_code == 404


@pytest.mark.parametrize("year", ["abc", "20233", "1999", "２０２３", "-1", "2023.0"])
def test_a_garbage_year_says_so_and_shows_every_year(world, client_for, year):
    response = client_for(world.tree.staff).get(reverse("dashboards:statistics"), {"year": year, "by": "batch"})
    page = response.content.decode()
    assert response.status_code == 200 and "无效" in page and "已显示全部年度" in page
    assert response.context["year"] is None


def test_a_garbage_grouping_or_page_falls_back_with_a_message(world, client_for):
    response = client_for(world.tree.staff).get(reverse("dashboards:statistics"), {"by": "<x>", "page": "²"})
    assert response.status_code == 200 and "统计口径无效" in response.content.decode()
    assert response.context["by"] == "unit"


def test_compare_needs_two_batches_and_refuses_bad_ids(world, client_for):
    client = client_for(world.tree.staff)
    one = client.get(reverse("dashboards:statistics_compare"), {"batches": [world.first.pk]})
    assert one.status_code == 200 and "请至少选择两个批次" in one.content.decode()
    assert client.get(reverse("dashboards:statistics_compare"), {"batches": ["x", "1"]}).status_code == 404
    assert client.get(reverse("dashboards:statistics_compare"), {"batches": ["99999", str(world.first.pk)]}
                      ).status_code == 404
    blank = client.get(reverse("dashboards:statistics_compare"))
    assert blank.status_code == 200 and blank.context["comparison"] is None


def test_a_reviewer_or_anonymous_visitor_cannot_open_statistics(world, client, client_for):
    assert client.get(reverse("dashboards:statistics")).status_code == 302
    assert client_for(world.tree.reviewer).get(reverse("dashboards:statistics")).status_code == 403


def test_the_navbar_links_statistics_for_staff_and_unit_staff_only(world, client_for):
    link = reverse("dashboards:statistics")
    for user, shown in [(world.tree.staff, True), (world.tree.unit_staff, True), (world.tree.secretary, False)]:
        page = client_for(user).get(reverse("home")).content.decode()
        assert (f'href="{link}"' in page) is shown, user

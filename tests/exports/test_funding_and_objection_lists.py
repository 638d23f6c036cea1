"""The funding list and the objections across notices: each row the export has, filtered alike, scoped to the
reader (another 二级党组织 or school sees none of it, a secretary is refused), totals over every row, bad
filters said in Chinese and ignored, and a fixed number of queries at two sizes."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.enums import BranchCategory
from cultivation.models import FeaturedActivity, Objection, Spending
from tests.factories import BatchFactory, BranchFactory, ProjectFactory, cultivating_project

from .helpers import column, rows_of
from .test_lists import notice_of

FUNDING, FUNDING_EXPORT = reverse("cultivation:funding_list"), reverse("cultivation:funding_export")
OBJECTIONS, OBJECTIONS_EXPORT = reverse("cultivation:objection_list"), reverse("cultivation:objection_list_export")
BAD_QUERIES = ["batch=abc", "batch=99999999", "unit=-5", "category=bogus", "notice=1e3", "state=%00", "page=x",
               "batch=" + "9" * 40]


def listed(client, url, field):
    """The rows of every page of the list at `url`, as `field` of each item."""
    response = client.get(url)
    assert response.status_code == 200
    page = response.context["page"]
    return [field(item) for item in page.paginator.object_list]


def funding_world(tree, other):
    a1 = cultivating_project(tree.branch_a1)
    a2 = cultivating_project(tree.branch_a2, batch=a1.batch)
    b1 = cultivating_project(tree.branch_b1, batch=a1.batch)
    cultivating_project(other["branch"])
    ProjectFactory(organization=tree.branch_a1)  # an application: no school funding, not listed
    for project, allocated in [(a1, "3000"), (a2, "1200.50"), (b1, "800")]:
        FeaturedActivity.objects.filter(project=project).update(allocated_budget=Decimal(allocated))
    Spending.objects.create(activity=a1.activities.get(), amount=Decimal("500.25"), spent_on=timezone.localdate(),
                            purpose="印制材料", created_by=tree.secretary)
    return a1, a2, b1


def organization_name(activity):
    return activity.project.organization.name


# ---- funding -----------------------------------------------------------------------------------

def test_the_funding_list_is_the_export_with_totals_of_every_row(tree, other, client_for):
    a1, a2, b1 = funding_world(tree, other)
    client = client_for(tree.staff)
    for query in ["", f"batch={a1.batch.pk}", f"unit={tree.unit_a.pk}", f"category={BranchCategory.GRADUATE}",
                  "category=none", f"unit={tree.unit_b.pk}&batch={a1.batch.pk}"]:
        names = listed(client, f"{FUNDING}?{query}", organization_name)
        assert column(client.get(f"{FUNDING_EXPORT}?{query}"), "培育单位") == names, query
    assert sorted(listed(client, FUNDING, organization_name)) == ["乙一党支部", "甲一党支部", "甲二党支部"]
    assert listed(client, f"{FUNDING}?category={BranchCategory.GRADUATE}", organization_name) == ["甲二党支部"]
    page = client.get(f"{FUNDING}?unit={tree.unit_a.pk}").content.decode()
    assert 'data-testid="total-allocated">4200.50</td>' in page
    assert 'data-testid="total-spent">500.25</td>' in page and 'data-testid="total-balance">3700.25</td>' in page
    assert "二级党组织：甲学院党委" in page
    # The export button carries the filters.
    assert f'href="{FUNDING_EXPORT}?unit={tree.unit_a.pk}" data-testid="export"' in page
    rows = rows_of(client.get(f"{FUNDING_EXPORT}?unit={tree.unit_a.pk}"))[1]
    assert sum(row["学校支持经费（元）"] for row in rows) == Decimal("4200.50")


def test_the_totals_count_every_page_not_one(tree, client_for):
    batch = BatchFactory(start=timezone.localdate() - datetime.timedelta(days=90))
    for _ in range(35):
        project = cultivating_project(BranchFactory(parent=tree.unit_a), batch=batch)
        FeaturedActivity.objects.filter(project=project).update(allocated_budget=Decimal("10"))
    response = client_for(tree.staff).get(FUNDING)
    assert len(response.context["page"].object_list) == 30
    assert 'data-testid="total-allocated">350.00</td>' in response.content.decode()


def test_each_unit_sees_only_its_sub_tree_and_a_secretary_is_refused(tree, other, client_for):
    a1, _, b1 = funding_world(tree, other)
    assert sorted(listed(client_for(tree.unit_staff), FUNDING, organization_name)) == ["甲一党支部", "甲二党支部"]
    assert listed(client_for(tree.other_unit_staff), FUNDING, organization_name) == ["乙一党支部"]
    # Naming the other unit or a batch of the other school is no way in: the filter is ignored, said so.
    for query in [f"unit={tree.unit_a.pk}", f"batch={other['batch'].pk}"]:
        response = client_for(tree.other_unit_staff).get(f"{FUNDING}?{query}")
        assert [organization_name(a) for a in response.context["page"]] == ["乙一党支部"]
        assert "筛选条件无效" in response.content.decode()
        assert column(client_for(tree.other_unit_staff).get(f"{FUNDING_EXPORT}?{query}"), "培育单位") == ["乙一党支部"]
    assert listed(client_for(other["staff"]), FUNDING, organization_name) == ["外校党支部"]
    assert listed(client_for(other["staff"]), f"{FUNDING}?batch={a1.batch.pk}", organization_name) == ["外校党支部"]
    assert client_for(tree.secretary).get(FUNDING).status_code == 403
    assert client_for(tree.reviewer).get(FUNDING).status_code == 403


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_funding_filters_are_said_in_chinese_and_ignored(tree, other, client_for, query):
    funding_world(tree, other)
    client = client_for(tree.staff)
    response = client.get(f"{FUNDING}?{query}")
    assert response.status_code == 200
    names = [organization_name(a) for a in response.context["page"].paginator.object_list]
    assert len(names) == 3
    if not query.startswith(("page=", "notice=", "state=")):
        assert "筛选条件无效，已忽略" in response.content.decode()
    assert column(client.get(f"{FUNDING_EXPORT}?{query}"), "培育单位") == names


# ---- objections --------------------------------------------------------------------------------

def objection_world(tree, other):
    """Two batches of this school with notices and objections, one answered; and the other school's."""
    first, second = BatchFactory(), BatchFactory()
    notice_a, items_a = notice_of(first, [ProjectFactory(batch=first, organization=tree.branch_a1)], tree.staff,
                                  title="第一批公示")
    notice_b, items_b = notice_of(second, [ProjectFactory(batch=second, organization=tree.branch_b1)], tree.staff,
                                  title="第二批公示")
    make = dict(contact="13800000000", content="异议内容")
    Objection.objects.create(notice=notice_a, item=items_a[0], name="张三", **make)
    Objection.objects.create(notice=notice_a, name="李四", answered_at=timezone.now(), outcome="dismissed",
                             response="经核实不属实", answered_by=tree.staff, **make)
    Objection.objects.create(notice=notice_b, item=items_b[0], name="王五", **make)
    outside, _ = notice_of(other["batch"], [ProjectFactory(batch=other["batch"], organization=other["branch"])],
                           other["staff"], title="外校公示")
    Objection.objects.create(notice=outside, name="赵六", **make)
    return first, second, notice_a, notice_b


def objector(objection):
    return objection.name


def test_the_objection_list_is_the_export_across_notices(tree, other, client_for):
    first, second, notice_a, notice_b = objection_world(tree, other)
    client = client_for(tree.staff)
    assert sorted(listed(client, OBJECTIONS, objector)) == ["张三", "李四", "王五"]
    for query, expected in [("", None), (f"batch={first.pk}", {"张三", "李四"}), (f"notice={notice_b.pk}", {"王五"}),
                            ("state=unanswered", {"张三", "王五"}), ("state=answered", {"李四"}),
                            (f"batch={first.pk}&state=unanswered", {"张三"})]:
        names = listed(client, f"{OBJECTIONS}?{query}", objector)
        assert column(client.get(f"{OBJECTIONS_EXPORT}?{query}"), "提出人") == names, query
        if expected:
            assert set(names) == expected, query
    page = client.get(f"{OBJECTIONS}?batch={first.pk}&state=unanswered").content.decode()
    assert f'href="{OBJECTIONS_EXPORT}?batch={first.pk}&amp;state=unanswered" data-testid="export"' in page
    assert "处理情况：待处理" in page and f"{reverse('cultivation:notice_detail', args=[notice_a.pk])}#objection-" in page
    rows = rows_of(client.get(f"{OBJECTIONS_EXPORT}?state=answered"))[1]
    assert [(row["公示"], row["提出人"], row["处理结果"]) for row in rows] == [("第一批公示", "李四", "异议不成立")]


def test_objections_are_for_the_staff_who_run_the_batch(tree, other, client_for):
    first, *_ = objection_world(tree, other)
    assert listed(client_for(other["staff"]), OBJECTIONS, objector) == ["赵六"]
    response = client_for(other["staff"]).get(f"{OBJECTIONS}?batch={first.pk}")
    assert [o.name for o in response.context["page"]] == ["赵六"] and "筛选条件无效" in response.content.decode()
    assert column(client_for(other["staff"]).get(f"{OBJECTIONS_EXPORT}?batch={first.pk}"), "提出人") == ["赵六"]
    for person in (tree.unit_staff, tree.other_unit_staff, tree.secretary, tree.reviewer):
        assert client_for(person).get(OBJECTIONS).status_code == 403
        assert client_for(person).get(OBJECTIONS_EXPORT).status_code == 403


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_objection_filters_are_said_in_chinese_and_ignored(tree, other, client_for, query):
    objection_world(tree, other)
    client = client_for(tree.staff)
    response = client.get(f"{OBJECTIONS}?{query}")
    assert response.status_code == 200
    names = [o.name for o in response.context["page"].paginator.object_list]
    assert len(names) == 3
    if query.startswith(("batch=", "notice=", "state=")):
        assert "筛选条件无效，已忽略" in response.content.decode()
    assert column(client.get(f"{OBJECTIONS_EXPORT}?{query}"), "提出人") == names


# ---- queries -----------------------------------------------------------------------------------

def grow(tree, size):
    batch = BatchFactory(start=timezone.localdate() - datetime.timedelta(days=90))
    for n in range(size):
        project = cultivating_project(BranchFactory(parent=tree.unit_a), batch=batch)
        Spending.objects.create(activity=project.activities.get(), amount=Decimal("1"), spent_on=timezone.localdate(),
                                purpose="资料", created_by=tree.secretary)
        FeaturedActivity.objects.filter(project=project).update(allocated_budget=Decimal("5"))
        notice, items = notice_of(batch, [project], tree.staff, title=f"公示{n}")
        Objection.objects.create(notice=notice, item=items[0], name=f"提出人{n}", contact="1", content="异议")


# session, user, roles; the rows' count, (funding: the totals, one query); the navbar's unread count; the
# filter form's choices (batches; units or notices); the page of rows.
@pytest.mark.parametrize("url, queries", [(FUNDING, 9), (OBJECTIONS, 8)])
def test_each_list_runs_the_same_queries_at_two_sizes(tree, client_for, django_assert_num_queries, url, queries):
    client = client_for(tree.staff)
    grow(tree, 2)
    client.get(url)
    for size in (2, 8):
        if size == 8:
            grow(tree, 6)
        with django_assert_num_queries(queries):
            response = client.get(f"{url}?state=unanswered" if url == OBJECTIONS else url)
        assert len(response.context["page"].object_list) == size


# ---- where staff find them ---------------------------------------------------------------------

def test_the_lists_are_linked_from_the_menu_and_the_batch_page(tree, client_for):
    batch = BatchFactory()
    batch_page = reverse("cultivation:batch_detail", args=[batch.pk])
    staff = client_for(tree.staff).get(batch_page).content.decode()
    assert f'href="{FUNDING}" data-testid="nav-funding"' in staff and f'href="{OBJECTIONS}" data-testid="nav-objections"' in staff
    assert f'href="{FUNDING}?batch={batch.pk}"' in staff and f'href="{OBJECTIONS}?batch={batch.pk}"' in staff
    unit = client_for(tree.unit_staff).get(batch_page).content.decode()
    assert 'data-testid="nav-funding"' in unit and 'data-testid="nav-objections"' not in unit
    assert 'data-testid="batch-funding"' in unit and 'data-testid="batch-objections"' not in unit
    secretary = client_for(tree.secretary).get(reverse("cultivation:report_list")).content.decode()
    assert 'data-testid="nav-funding"' not in secretary and 'data-testid="funding-export"' in secretary

"""The batch dashboard: each number equals a count made here straight from the rows, and its link opens
a list of exactly that many rows, naming the filter; another school's batch answers 404; the page runs
the same number of queries at two data sizes."""

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.enums import Role
from cultivation.enums import CULTIVATED_STATES, NOMINATED_STATES
from cultivation.models import FeaturedActivity, Notice, Objection, Project, Spending
from cultivation.reports.selectors import periods_of
from evaluations.models import ScoreSheet
from tests.dashboards.helpers import World
from tests.factories import RoundFactory, user_with_role

pytestmark = pytest.mark.django_db


def dashboard_url(batch):
    return reverse("dashboards:batch", args=[batch.pk])


def links_with(page, testid):
    return [unescape(href) for href in re.findall(rf'<a href="([^"]+)"[^>]*data-testid="{testid}"', page)]


def rows_of(client, url, testid):
    """The rows of the list at `url` (one page is enough here), by its table's data-testid."""
    page = client.get(url).content.decode()
    table = page.split(f'data-testid="{testid}"')[1].split("</table>")[0]
    body = table.split("<tbody>")[1].split("</tbody>")[0]  # not a totals row in <tfoot>
    return body.count("<tr") - body.count('class="text-muted"'), page


def extras(world, tree, *, reviewers=2):
    """A round with sheets in every state, an open notice with objections, a withdrawn and an ended notice."""
    batch, today = world.first, timezone.localdate()
    round_ = RoundFactory(batch=batch)
    people = [user_with_role(Role.REVIEWER, tree.unit_b, username=f"r{n}", first_name=f"专家{n}") for n in range(reviewers)]
    scored = [world.projects[0], world.projects[2]]  # a round scores projects that handed in its materials
    Project.objects.filter(pk__in=[p.pk for p in scored]).update(state="midterm_submitted")
    for n, person in enumerate(people):
        for m, project in enumerate(scored):
            ScoreSheet.objects.create(round=round_, project=project, reviewer=person,
                                      state=["assigned", "draft", "submitted"][(n + m) % 3])
    make = dict(batch=batch, kind="recognition", title="拟认定公示", body="公示", published_by=tree.staff)
    open_notice = Notice.objects.create(starts_on=today, ends_on=today + datetime.timedelta(days=5), **make)
    Notice.objects.create(starts_on=today, ends_on=today + datetime.timedelta(days=5), withdrawn_at=timezone.now(),
                          **make)
    ended = Notice.objects.create(starts_on=today - datetime.timedelta(days=20),
                                  ends_on=today - datetime.timedelta(days=10), **make)
    for notice, answered in [(open_notice, False), (open_notice, False), (open_notice, True), (ended, False)]:
        Objection.objects.create(notice=notice, name="李四", contact="13800000000", content="异议",
                                 answered_at=timezone.now() if answered else None)
    # The other school's batch: nothing of it may show.
    other_round = RoundFactory(batch=world.other_batch)
    ScoreSheet.objects.create(round=other_round, project=world.other_project, reviewer=people[0])
    return round_, people


@pytest.fixture
def world(tree):
    world = World(tree, size=2)
    world.round, world.reviewers = extras(world, tree)
    return world


def test_every_number_matches_the_rows_and_its_list(world, tree, client_for):
    client = client_for(tree.staff)
    batch = world.first
    response = client.get(dashboard_url(batch))
    assert response.status_code == 200
    page = response.content.decode()
    projects = list(Project.objects.filter(batch=batch).select_related("organization"))

    # Projects by state: every bar links to a list of that many rows.
    assert f'data-testid="project-total">{len(projects)}</a>' in page
    by_state = page.split('data-testid="by-state"')[1].split("</section>")[0]
    bars = re.findall(r'<a href="([^"]+)" aria-label="([^"]+)：(\d+)个">', by_state)
    assert bars
    for href, label, n in bars:
        state = re.search(r"state=(\w+)", href).group(1)
        assert int(n) == sum(1 for p in projects if p.state == state)
        rows, listed = rows_of(client, unescape(href), "project-list")
        assert rows == int(n) and f"状态：{label}" in listed and f"批次：{batch.name}" in listed

    # By 支部分类 and by 二级党组织.
    for section, key, field in [("by-category", "category", lambda p: p.organization.category or "none"),
                                ("by-unit", "unit", lambda p: str(p.unit_id))]:
        chunk = page.split(f'data-testid="{section}"')[1].split("</section>")[0]
        found = re.findall(r'<a href="([^"]+)" aria-label="([^"]+)：(\d+)个">', chunk)
        assert found
        for href, label, n in found:
            value = re.search(rf"{key}=(\w+)", unescape(href)).group(1)
            assert int(n) == sum(1 for p in projects if field(p) == value)
            rows, listed = rows_of(client, unescape(href), "project-list")
            assert rows == int(n) and "当前筛选" in listed

    # Reports due, overdue, returned (and handed in): the tabs of the report list, filtered to the batch.
    today = timezone.localdate()
    open_projects = [p for p in projects if p.state in {"recognized", "midterm_submitted", "rectifying"}]
    expected = {"due": 0, "overdue": 0}
    for project in open_projects:
        for period in periods_of(project, (), project.reports.all()):
            status = period.status(today)
            if status in expected:
                expected[status] += 1
    reports = page.split('data-testid="reports"')[1].split("</section>")[0]
    for href, n in re.findall(r'<a href="([^"]+)" data-testid="reports-\d">(\d+) 份</a>', reports):
        href = unescape(href)
        tab = re.search(r"tab=(\w+)", href).group(1)
        if tab in expected:
            assert int(n) == expected[tab]
        else:
            state = {"returned": "returned", "submitted": "submitted", "endorsed": "endorsed"}[tab]
            assert int(n) == sum(1 for p in projects for r in p.reports.all() if r.state == state
                                 and (state != "returned" or p.state in {"recognized", "midterm_submitted",
                                                                          "rectifying"}))
        rows, listed = rows_of(client, href, "report-list")
        assert rows == int(n) and f"批次：{batch.name}" in listed

    # Sheets still to score, per reviewer: the round page filtered to that reviewer shows that many projects.
    links = links_with(page, "review-link")
    assert len(links) == len(world.reviewers)
    for href, n in zip(links, re.findall(r'data-testid="review-link">(\d+)</a>', page)):
        reviewer = int(re.search(r"reviewer=(\d+)", href).group(1))
        assert int(n) == ScoreSheet.objects.filter(round__batch=batch, reviewer_id=reviewer,
                                                   state__in=["assigned", "draft"]).count()
        rows, listed = rows_of(client, href, "round-projects")
        assert rows == int(n) and "尚未提交评分的项目" in listed

    # Notices open (not ended, not withdrawn) and objections unanswered.
    open_count = Notice.objects.filter(batch=batch, ends_on__gte=today, withdrawn_at__isnull=True).count()
    assert f'data-testid="notices-open">{open_count} 项</a>' in page and open_count == 1
    rows, listed = rows_of(client, links_with(page, "notices-open")[0], "notice-list")
    assert rows == open_count and "公示中（未截止、未撤销）" in listed
    unanswered = Objection.objects.filter(notice__batch=batch, answered_at__isnull=True).count()
    assert f'data-testid="objections">{unanswered} 条</a>' in page and unanswered == 3
    rows, listed = rows_of(client, links_with(page, "objections")[0], "objection-list")
    assert rows == unanswered and "处理情况：待处理" in listed and f"批次：{batch.name}" in listed

    # Quota use and funding.
    recognized = [p for p in projects if p.state in CULTIVATED_STATES]
    assert f'data-testid="recognized">{len(recognized)}</a> / {batch.quota_total}' in page
    rows, _ = rows_of(client, links_with(page, "recognized")[0], "project-list")
    assert rows == len(recognized)
    quota = page.split('data-testid="quota"')[1].split("</section>")[0]
    for href, n in re.findall(r'<a href="([^"]+)">(\d+)</a> /', quota)[1:]:
        unit = int(re.search(r"unit=(\d+)", unescape(href)).group(1))
        assert int(n) == sum(1 for p in projects if p.unit_id == unit and p.state in NOMINATED_STATES)
        assert rows_of(client, unescape(href), "project-list")[0] == int(n)
    allocated = sum((a.allocated_budget for a in FeaturedActivity.objects.filter(project__in=recognized)), Decimal(0))
    spent = sum((s.amount for s in Spending.objects.filter(activity__project__in=recognized)), Decimal(0))
    assert f'data-testid="allocated">{allocated}</a>' in page and f'data-testid="spent">{spent}</a>' in page
    assert allocated > 0 and spent > 0
    # Both link to the funding list of the batch, whose totals are those numbers, over one row per
    # featured activity of the recognized projects.
    assert links_with(page, "allocated") == links_with(page, "spent")
    rows, listed = rows_of(client, links_with(page, "allocated")[0], "funding-list")
    assert rows == FeaturedActivity.objects.filter(project__in=recognized).count() > 0
    assert f"批次：{batch.name}" in listed
    assert f'data-testid="total-allocated">{allocated}</td>' in listed
    assert f'data-testid="total-spent">{spent}</td>' in listed


def test_the_charts_are_svg_with_labels_tooltips_and_links(world, tree, client_for):
    page = client_for(tree.staff).get(dashboard_url(world.first)).content.decode()
    assert page.count('<svg class="chart" role="img" aria-label="') == 4  # timeline and three bar charts
    assert "<title>通过验收：1个</title>" in page and "<title>甲学院党委：2个</title>" in page
    assert "<title>今天：" in page
    assert "<script" not in page.split("<main")[1].split("</main>")[0]  # no chart script


def test_another_schools_batch_and_non_staff_get_404(world, tree, client_for):
    assert client_for(world.other_staff).get(dashboard_url(world.first)).status_code == 404
    assert client_for(tree.staff).get(dashboard_url(world.other_batch)).status_code == 404
    for user in (tree.unit_staff, tree.secretary, tree.reviewer):
        assert client_for(user).get(dashboard_url(world.first)).status_code == 404
    page = client_for(world.other_staff).get(dashboard_url(world.other_batch)).content.decode()
    assert "甲学院党委" not in page and "专家1" not in page


def test_the_dashboard_is_linked_from_the_batch_page_and_the_home_panel(world, tree, client_for):
    client = client_for(tree.staff)
    url = dashboard_url(world.first)
    assert f'href="{url}"' in client.get(reverse("cultivation:batch_detail", args=[world.first.pk])).content.decode()
    assert f'href="{url}"' in client.get("/").content.decode()
    assert f'href="{url}"' not in client_for(tree.unit_staff).get(
        reverse("cultivation:batch_detail", args=[world.first.pk])).content.decode()


def test_guidance_per_project_and_open_difficulties_by_age(world, tree, client_for):
    from planning.models import Difficulty, Guidance

    batch = world.first
    cultivated = list(Project.objects.filter(batch=batch, state__in=CULTIVATED_STATES).select_related("organization"))
    guided, unguided = cultivated[0], cultivated[1:]
    for day in (3, 10):
        Guidance.objects.create(project=guided, kind="visit", held_on=datetime.date(2024, 5, day), guides="李老师",
                                notes="走访", side="unit", recorded_by=tree.unit_staff)
    Guidance.objects.create(project=world.other_project, kind="visit", held_on=datetime.date(2024, 5, 1),
                            guides="他校", notes="他校走访", side="unit", recorded_by=world.other_staff)
    old = Difficulty.objects.create(project=guided, title="活动场地不足", text="缺少场地", addressed_to="unit",
                                    raised_by=tree.secretary)
    Difficulty.objects.filter(pk=old.pk).update(raised_at=timezone.now() - datetime.timedelta(days=9))
    Difficulty.objects.create(project=guided, title="新近的问题", text="经费", addressed_to="unit", raised_by=tree.secretary)
    Difficulty.objects.create(project=guided, title="已关闭的问题", text="已解决", addressed_to="unit", state="closed",
                              raised_by=tree.secretary)
    page = client_for(tree.staff).get(dashboard_url(batch)).content.decode()
    section = page.split('data-testid="guidance"')[1].split("</section>")[0]
    assert section.count('data-testid="guidance-row"') == len(cultivated)
    assert "共 2 次" in section and f"{len(unguided)} 个项目尚无记录" in section and "2024-05-10" in section
    assert reverse("planning:guidance_project", args=[guided.pk]) in section and "他校" not in page
    difficulties = page.split('data-testid="difficulties"')[1].split("</section>")[0]
    assert difficulties.count('data-testid="difficulty-row"') == 2 and "已关闭的问题" not in difficulties
    assert difficulties.index("活动场地不足") < difficulties.index("新近的问题") and "9 天" in difficulties


def test_the_booklet_is_reached_from_the_dashboard(world, tree, client_for):
    booklet = reverse("dissemination:booklet", args=[world.first.pk])
    assert f'href="{booklet}"' in client_for(tree.staff).get(dashboard_url(world.first)).content.decode()


@pytest.mark.parametrize("size", [1, 3])
def test_the_dashboard_runs_the_same_queries_at_any_size(tree, client_for, django_assert_num_queries, size):
    world = World(tree, size=size)
    extras(world, tree, reviewers=size + 1)
    client = client_for(tree.staff)
    client.get(dashboard_url(world.first))  # warm the session
    with django_assert_num_queries(QUERIES):
        assert client.get(dashboard_url(world.first)).status_code == 200


# session, user, role assignments, the navbar's unread count; the batch; one row per project (by state,
# category and unit, recognized, the quotas' use, the guidance table); reports (the batches reporting, the
# reports grouped by state and period; no milestones here, so none read); sheets; notices with their
# objections; funding (allocated and spent); the quotas; guidance: the counts, open difficulties. 23 before
# issue 14.
QUERIES = 14

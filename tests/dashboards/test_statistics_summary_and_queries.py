"""The 党委会 summary (who may open it, what it says), query counts at two sizes, the report's 发展党员 field."""

import pytest
from django.urls import reverse

from branches.enums import Role
from cultivation.models import Project, ProgressReport
from tests.dashboards.helpers import World, direct_counts
from tests.factories import cultivating_project, progress_report, user_with_role

pytestmark = pytest.mark.django_db


def summary_url(batch):
    return reverse("dashboards:batch_summary", args=[batch.pk])


def test_the_summary_shows_phase_states_counts_funding_grades_and_highlights(tree, client_for):
    world = World(tree, size=2)
    response = client_for(tree.staff).get(summary_url(world.first))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="navbar"' not in page and "@page" not in page  # print CSS lives in summary.css
    assert "summary.css" in page and "第一批培育工作情况" in page
    assert "培育中 <b>2</b>" in page and "通过验收 <b>1</b>" in page and "共 3 个" in page
    first = [p for p in Project.objects.filter(batch=world.first).select_related("batch", "organization")]
    expected = direct_counts(first)["all"]
    counts = page.split('data-testid="summary-counts"')[1].split("</table>")[0]
    assert f'data-column="meetings_total">合计 <b>{expected["meetings_total"]}</b>' in counts
    assert f'data-column="new_members_count">发展党员（人） <b>{expected["new_members_count"]}</b>' in counts
    assert f'data-column="publications">合计 <b>{expected["publications"]}</b>' in counts
    funding = page.split('data-testid="summary-funding"')[1].split("</p>")[0]
    assert f"<b>{expected['allocated']:,.2f}</b>" in funding
    grades = page.split('data-testid="summary-grades"')[1].split("</table>")[0]
    assert grades.split("中期评估")[1].split("</tr>")[0].count("<b>1</b>") == 3  # 优秀、良好、合格 one each
    assert "验收" in grades and "优秀 <b>1</b>" in grades.split("验收")[1]
    highlights = page.split('data-testid="summary-highlights"')[1]
    assert "甲一党支部" in highlights and "甲二党支部" in highlights  # 优秀 at mid-term / at acceptance


def test_only_staff_who_run_the_batch_open_its_summary(tree, client_for, client):
    world = World(tree, size=1)
    url = summary_url(world.first)
    assert client_for(tree.staff).get(url).status_code == 200
    for user in (tree.unit_staff, tree.secretary, tree.reviewer, world.other_staff):
        assert client_for(user).get(url).status_code == 404, user
    assert client.logout() is None and client.get(url).status_code == 302
    assert client_for(tree.staff).get(reverse("dashboards:batch_summary", args=[987654])).status_code == 404


def test_a_province_batch_summary_is_for_the_province_not_a_school(tree, client_for):
    from tests.factories import BatchFactory, province_over

    province = province_over(tree)
    batch = BatchFactory(owner=province, name="省级第一批")
    province_staff = user_with_role(Role.ORG_STAFF, province, username="province_staff")
    assert client_for(province_staff).get(summary_url(batch)).status_code == 200
    assert client_for(tree.staff).get(summary_url(batch)).status_code == 404


@pytest.mark.parametrize("size", [1, 3])
def test_statistics_pages_run_a_constant_number_of_queries(tree, client_for, django_assert_num_queries, size):
    world = World(tree, size=size)
    client = client_for(tree.staff)
    client.get(reverse("home"))  # session and role reads settle
    # session, user, roles, batches (the filter), 8 aggregates, managed batches, the navbar's unread count = 14
    for by in ("branch", "unit", "batch", "year"):
        with django_assert_num_queries(14):
            assert client.get(reverse("dashboards:statistics"), {"by": by}).status_code == 200
    with django_assert_num_queries(15):  # + the chosen batch
        assert client.get(reverse("dashboards:statistics"), {"batch": world.first.pk, "year": 2024}).status_code == 200
    with django_assert_num_queries(13):  # session, user, roles, batches, 8 aggregates, unread count
        assert client.get(reverse("dashboards:statistics_compare"),
                          {"batches": [world.first.pk, world.second.pk]}).status_code == 200
    # session, user, roles, batch, states, 8 aggregates, 优秀, top publishers, outcomes, grades = 17
    # (no navbar on the printed page, so no unread count)
    with django_assert_num_queries(17):
        assert client.get(summary_url(world.first)).status_code == 200


def test_the_secretary_reports_new_members_on_the_report_form(tree, client_for):
    report = progress_report(cultivating_project(tree.branch_a1), narrative="")
    activity = report.project.activities.get()
    client = client_for(tree.secretary)
    page = client.get(reverse("cultivation:report_edit", args=[report.pk])).content.decode()
    assert "发展党员（人）" in page and 'name="new_members_count"' in page
    response = client.post(reverse("cultivation:report_edit", args=[report.pk]), {
        "version": report.version, "narrative": "本月发展党员2名。", "congress_count": 1, "committee_count": 1,
        "group_count": 0, "lecture_count": 0, "theme_day_count": 1, "new_members_count": 2,
        f"activity_{activity.pk}_times_held": 1, f"activity_{activity.pk}_participants": 20, "save": "1"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.new_members_count == 2
    detail = client.get(reverse("cultivation:report_detail", args=[report.pk])).content.decode()
    assert '<div class="stat-number" data-testid="new-members">2</div>' in detail
    refused = client.post(reverse("cultivation:report_edit", args=[report.pk]), {
        "version": report.version, "narrative": "x", "congress_count": 1, "committee_count": 1, "group_count": 0,
        "lecture_count": 0, "theme_day_count": 1, "new_members_count": 1000,
        f"activity_{activity.pk}_times_held": 1, f"activity_{activity.pk}_participants": 20, "save": "1"})
    assert refused.status_code == 200
    assert ProgressReport.objects.get(pk=report.pk).new_members_count == 2

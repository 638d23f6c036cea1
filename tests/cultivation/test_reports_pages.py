"""The pieces other pages show: the home panels, the project partial and the reviewer's summary."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from cultivation.models import Publication
from cultivation.reports.enums import ReportState
from tests.factories import cultivating_project, progress_report

pytestmark = pytest.mark.django_db


def home(client):
    return client.get(reverse("home")).content.decode()


def test_the_secretary_home_shows_overdue_due_and_returned(tree, client_for):
    project = cultivating_project(tree.branch_a1)
    progress_report(project, state=ReportState.RETURNED, return_reason="请补充")
    page = home(client_for(tree.secretary))
    assert 'data-testid="reports-home"' in page
    assert 'data-testid="panel-returned">1<' in page and 'data-testid="panel-due">1<' in page


def test_unit_staff_see_reports_awaiting_endorsement_and_staff_those_awaiting_acceptance(tree, client_for):
    submitted = progress_report(cultivating_project(tree.branch_a1), state=ReportState.SUBMITTED)
    endorsed = progress_report(cultivating_project(tree.branch_b1), state=ReportState.ENDORSED)
    unit = home(client_for(tree.unit_staff))
    assert 'data-testid="panel-submitted">1<' in unit
    assert reverse("cultivation:report_detail", args=[submitted.pk]) in unit
    assert reverse("cultivation:report_detail", args=[endorsed.pk]) not in unit
    staff = home(client_for(tree.staff))
    assert 'data-testid="panel-endorsed">1<' in staff
    assert reverse("cultivation:report_detail", args=[endorsed.pk]) in staff


def test_a_reviewer_gets_no_reports_panel(tree, client_for):
    assert 'data-testid="reports-home"' not in home(client_for(tree.reviewer))


def render_partial(template, user, project):
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(template, {"project": project, "request": request, "user": user}, request=request)


def test_the_project_partial_lists_periods_evidence_and_links(tree):
    project = cultivating_project(tree.branch_a1)
    report = progress_report(project, state=ReportState.ACCEPTED)
    Publication.objects.create(project=project, channel="xuexi", title="学习强国刊发支部经验", published_on="2026-10-01",
                               created_by=tree.secretary)
    html = render_partial("cultivation/includes/project_reports.html", tree.secretary, project)
    assert reverse("cultivation:report_detail", args=[report.pk]) in html
    assert reverse("cultivation:report_project", args=[project.pk]) in html
    assert "学习强国刊发支部经验" in html and "开始填写" in html  # the next period is due


def test_the_project_partial_lists_periods_in_the_page_not_in_a_box_that_cuts_a_row(tree):
    """Issue 24: the periods sat in a scrolling box of fixed height, which cut a row in half."""
    project = cultivating_project(tree.branch_a1)
    html = render_partial("cultivation/includes/project_reports.html", tree.secretary, project)
    section = html.split('data-testid="project-reports"')[1]
    assert 'data-testid="project-periods"' in section and "scroll-box" not in section


@pytest.mark.parametrize("size", [1, 3])
def test_the_project_partial_runs_a_fixed_number_of_queries(tree, django_assert_num_queries, size):
    from cultivation.reports.selectors import periods_of

    project = cultivating_project(tree.branch_a1)
    for period in periods_of(project)[:size]:
        progress_report(project, due=period.due, state=ReportState.ACCEPTED)
        Publication.objects.create(project=project, channel="xuexi", title="报道", published_on="2026-10-01",
                                   created_by=tree.secretary)
    render_partial("cultivation/includes/project_reports.html", tree.secretary, project)  # role cache warmed
    # periods (milestones, reports); funding; four evidence lists, each carrying its count
    with django_assert_num_queries(7):
        html = render_partial("cultivation/includes/project_reports.html", tree.secretary, project)
    assert html.count("报道") >= size


def test_the_summary_is_read_only_and_counts_handed_in_reports(tree):
    project = cultivating_project(tree.branch_a1)
    progress_report(project, state=ReportState.ACCEPTED, lecture_count=2, theme_day_count=3)
    from cultivation.reports.selectors import periods_of

    progress_report(project, due=periods_of(project)[-1].due, state=ReportState.DRAFT,
                    lecture_count=9)  # a draft does not count
    html = render_partial("cultivation/includes/reports_summary.html", tree.reviewer, project)
    assert "<form" not in html
    assert "已提交报告 1 份" in html and ">3<" in html

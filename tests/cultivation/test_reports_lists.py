"""Due, overdue and returned lists: what each role sees, and a constant number of queries."""

import datetime

import pytest
from django.urls import reverse

from cultivation.enums import ProjectState
from cultivation.models import Milestone, ProgressReport, Project
from cultivation.reports.enums import ReportState
from cultivation.reports.selectors import pending_periods, periods_of, project_record, reports_in_state, tab_counts
from tests.factories import BatchFactory, ProjectFactory, cultivating_batch, cultivating_project, progress_report

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2019, 10, 10)


@pytest.fixture
def batch(db):
    return BatchFactory(cultivation_start=D(2019, 7, 1), cultivation_end=D(2020, 5, 31), report_due_day=25,
                        midterm_start=D(2020, 6, 1), midterm_end=D(2020, 6, 30), harvest_start=D(2020, 7, 1),
                        harvest_end=D(2020, 12, 31))


@pytest.fixture
def world(tree, batch):
    own = cultivating_project(tree.branch_a1, batch=batch)
    progress_report(own, due=D(2019, 7, 25), state=ReportState.ACCEPTED)
    progress_report(own, due=D(2019, 8, 25), state=ReportState.RETURNED, return_reason="请补充照片")
    progress_report(own, due=D(2019, 9, 25), state=ReportState.DRAFT)
    sibling = cultivating_project(tree.branch_a2, batch=batch)
    progress_report(sibling, due=D(2019, 7, 25), state=ReportState.SUBMITTED)
    progress_report(sibling, due=D(2019, 8, 25), state=ReportState.ENDORSED)
    progress_report(sibling, due=D(2019, 9, 25), state=ReportState.SUBMITTED)
    foreign = cultivating_project(tree.branch_b1, batch=batch)
    ProjectFactory(organization=tree.direct, batch=batch)  # still a draft application: nothing is due
    return {"own": own, "sibling": sibling, "foreign": foreign}


def listed(periods):
    return [(period.project.organization.name, period.due) for period in periods]


def test_the_secretary_sees_their_branch_due_overdue_and_returned(tree, world):
    assert listed(pending_periods(tree.secretary, today=TODAY, statuses=("overdue",))) == [("甲一党支部", D(2019, 9, 25))]
    assert listed(pending_periods(tree.secretary, today=TODAY, statuses=("due",))) == [("甲一党支部", D(2019, 10, 25))]
    returned = list(reports_in_state(tree.secretary, ReportState.RETURNED))
    assert [(r.project.organization.name, r.period_due) for r in returned] == [("甲一党支部", D(2019, 8, 25))]
    assert tab_counts(tree.secretary, today=TODAY) == {"due": 1, "overdue": 1, "returned": 1, "submitted": 0,
                                                       "endorsed": 0}


def test_unit_staff_see_their_sub_tree_and_staff_see_everything(tree, world):
    assert tab_counts(tree.unit_staff, today=TODAY) == {"due": 2, "overdue": 1, "returned": 1, "submitted": 2,
                                                        "endorsed": 1}
    overdue = listed(pending_periods(tree.other_unit_staff, today=TODAY, statuses=("overdue",)))
    assert overdue == [("乙一党支部", D(2019, 7, 25)), ("乙一党支部", D(2019, 8, 25)), ("乙一党支部", D(2019, 9, 25))]
    assert tab_counts(tree.staff, today=TODAY) == {"due": 3, "overdue": 4, "returned": 1, "submitted": 2,
                                                   "endorsed": 1}
    assert tab_counts(tree.reviewer, today=TODAY) == {"due": 0, "overdue": 0, "returned": 0, "submitted": 0,
                                                      "endorsed": 0}


def test_a_milestone_is_due_and_then_overdue(tree, world):
    Milestone.objects.create(project=world["own"], date=D(2019, 10, 1), title="支部开放日", created_by=tree.staff)
    overdue = pending_periods(tree.secretary, today=TODAY, statuses=("overdue",))
    assert [p.title for p in overdue] == ["2019年9月", "节点：支部开放日"]
    due = pending_periods(tree.secretary, today=TODAY, statuses=("due",))
    assert due[0].start == D(2019, 10, 2)


@pytest.mark.parametrize("state", [ProjectState.FINAL_SUBMITTED, ProjectState.ACCEPTED, ProjectState.FAILED])
def test_finished_projects_have_nothing_due(tree, client_for, world, state):
    Project.objects.filter(pk=world["own"].pk).update(state=state)
    # Nothing of it is on a to-do list any more, a returned report included...
    assert tab_counts(tree.secretary, today=TODAY) == {"due": 0, "overdue": 0, "returned": 0, "submitted": 0,
                                                       "endorsed": 0}
    assert not list(reports_in_state(tree.secretary, ReportState.RETURNED))
    # ...but its reports stay readable, and the record says nothing is due, with nothing to start.
    page = client_for(tree.secretary).get(reverse("cultivation:report_project", args=[world["own"].pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "已逾期" not in body and "开始填写" not in body and "无需再报" in body
    draft = ProgressReport.objects.get(project=world["own"], state=ReportState.DRAFT)
    assert reverse("cultivation:report_edit", args=[draft.pk]) not in body
    detail = client_for(tree.secretary).get(reverse("cultivation:report_detail", args=[draft.pk])).content.decode()
    assert reverse("cultivation:report_edit", args=[draft.pk]) not in detail
    edit = client_for(tree.secretary).get(reverse("cultivation:report_edit", args=[draft.pk]), follow=True)
    assert "只能查看" in edit.content.decode() and edit.redirect_chain[-1][0].endswith(f"/reports/{draft.pk}/")
    home = client_for(tree.secretary).get("/").content.decode()
    assert 'data-testid="panel-overdue">0<' in home and 'data-testid="panel-returned">0<' in home


def test_the_lists_name_the_batch_so_two_projects_of_one_branch_differ(tree, client_for, world, batch):
    second = BatchFactory(name="第二批“样板党支部”培育工程", cultivation_start=batch.cultivation_start,
                          cultivation_end=batch.cultivation_end, report_due_day=25, midterm_start=batch.midterm_start,
                          midterm_end=batch.midterm_end, harvest_start=batch.harvest_start,
                          harvest_end=batch.harvest_end)
    cultivating_project(tree.branch_a1, batch=second)
    # Real time has run past the batch: every period is overdue.
    body = client_for(tree.secretary).get(reverse("cultivation:report_list"), {"tab": "overdue"}).content.decode()
    assert "<th>批次</th>" in body and batch.name in body and second.name in body
    body = client_for(tree.secretary).get(reverse("cultivation:report_list"), {"tab": "returned"}).content.decode()
    assert "<th>批次</th>" in body and batch.name in body


@pytest.mark.parametrize("state", [ProjectState.MIDTERM_SUBMITTED, ProjectState.RECTIFYING])
def test_projects_under_assessment_or_in_rectification_still_report(tree, world, state):
    Project.objects.filter(pk=world["own"].pk).update(state=state)
    assert tab_counts(tree.secretary, today=TODAY) == {"due": 1, "overdue": 1, "returned": 1, "submitted": 0,
                                                       "endorsed": 0}


def test_nothing_is_due_before_the_window_or_after_it(tree, world):
    assert tab_counts(tree.secretary, today=D(2019, 6, 30))["due"] == 0
    after = tab_counts(tree.secretary, today=D(2020, 6, 10))
    assert after["due"] == 0 and after["overdue"] == 9  # 2019-09 … 2020-05, all unsubmitted


def test_the_project_record_marks_each_period(tree, world):
    record = project_record(world["own"], today=TODAY)
    statuses = [(p.due, p.current_status) for p in record["periods"][:5]]
    assert statuses == [(D(2019, 7, 25), "handed_in"), (D(2019, 8, 25), "returned"), (D(2019, 9, 25), "overdue"),
                        (D(2019, 10, 25), "due"), (D(2019, 11, 25), "upcoming")]
    assert len(record["periods"]) == 11


# ---- the pages -----------------------------------------------------------------------------

def test_the_list_page_shows_the_tabs_in_chinese(tree, client_for):
    project = cultivating_project(tree.branch_a1)
    progress_report(project, state=ReportState.RETURNED, return_reason="请补充党课记录")
    page = client_for(tree.secretary).get(reverse("cultivation:report_list") + "?tab=returned").content.decode()
    assert "已退回修改" in page and "请补充党课记录" in page and "甲一党支部" in page
    assert client_for(tree.secretary).get(reverse("cultivation:report_list") + "?tab=nonsense").status_code == 200


def make_projects(tree, n):
    batch = cultivating_batch()
    from tests.factories import BranchFactory

    for i in range(n):
        branch = tree.branch_a1 if i == 0 else BranchFactory(parent=tree.unit_a)
        project = cultivating_project(branch, batch=batch)
        progress_report(project, state=ReportState.RETURNED)
        Milestone.objects.create(project=project, date=batch.cultivation_start + datetime.timedelta(days=3),
                                 title="节点", created_by=tree.staff)


@pytest.mark.parametrize("size", [1, 3])
@pytest.mark.parametrize("tab", ["due", "overdue", "returned"])
def test_the_lists_run_a_constant_number_of_queries(tree, client_for, django_assert_num_queries, size, tab):
    make_projects(tree, size)
    client = client_for(tree.unit_staff)
    # session, user, role assignments; the tab's items: the periods (projects, milestones, reports) or a
    # page of reports (count, rows); the tab counts: the listed periods' statuses and the reports by state
    # (one query), or, beside a page of reports, batches, milestones and the reports grouped (three); the
    # unread badge; the session's first save after signing in (savepoint, update, release).
    expected = {"due": 11, "overdue": 11, "returned": 12}[tab]
    with django_assert_num_queries(expected):
        response = client.get(reverse("cultivation:report_list") + f"?tab={tab}")
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('href="/cultivation/projects/') >= size


def fill_record(tree, project, size):
    from decimal import Decimal

    from cultivation.models import Attachment, Exemplar, Outcome, Publication, Spending

    for period in periods_of(project)[:size]:
        progress_report(project, due=period.due, state=ReportState.ACCEPTED)
    activity = project.activities.get()
    activity.allocated_budget = Decimal("5000")
    activity.save()
    for i in range(size):
        common = {"project": project, "created_by": tree.secretary}
        Publication.objects.create(channel="xuexi", title=f"报道{i}", published_on=D(2026, 1, 1), **common)
        Outcome.objects.create(kind="method", title=f"成果{i}", **common)
        Exemplar.objects.create(kind="pledge", person=f"党员{i}", description="承诺践诺", **common)
        Attachment.objects.create(path=f"reports/{i}.pdf", original_name=f"材料{i}.pdf", content_type="application/pdf",
                                  size=10, sha256="0" * 64, **common)
        Spending.objects.create(activity=activity, amount=Decimal("100"), spent_on=D(2026, 1, 1), purpose="资料",
                                created_by=tree.secretary)


@pytest.mark.parametrize("size", [1, 3])
def test_the_project_page_runs_a_constant_number_of_queries(tree, client_for, django_assert_num_queries, size):
    project = cultivating_project(tree.branch_a1)
    fill_record(tree, project, size)
    client = client_for(tree.secretary)
    # 19 before issue 14: each evidence list carries its count, and the funding line and table share one read
    with django_assert_num_queries(17):
        response = client.get(reverse("cultivation:report_project", args=[project.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("材料") >= size

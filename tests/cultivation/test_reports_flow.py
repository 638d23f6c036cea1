"""Progress reports: the schedule, and every move through the services and through the views."""

import datetime
import itertools

import pytest
from django.urls import reverse

from branches.models import Event
from cultivation.enums import ProjectState
from cultivation.models import ActivityProgress, Milestone, ProgressReport, Project
from cultivation.reports import services as reports
from cultivation.reports.enums import REPORT_MOVES, ReportState
from cultivation.reports.selectors import periods_of, schedule_dates
from notifications.models import Notification
from cultivation.workflow import MoveRefused
from tests.factories import BatchFactory, cultivating_project, progress_report

pytestmark = pytest.mark.django_db

D = datetime.date


# ---- the schedule --------------------------------------------------------------------------

def test_a_monthly_schedule_has_one_due_date_per_month_inside_the_window(db):
    batch = BatchFactory(cultivation_start=D(2019, 7, 1), cultivation_end=D(2020, 5, 31), report_due_day=25)
    dates = schedule_dates(batch)
    assert [due for due, _ in dates] == [D(2019, m, 25) for m in range(7, 13)] + [D(2020, m, 25) for m in range(1, 6)]
    assert dates[0][1] == "2019年7月"


def test_the_due_day_is_clamped_to_short_months_and_dates_before_the_window_are_skipped(db):
    batch = BatchFactory(cultivation_start=D(2020, 1, 31), cultivation_end=D(2020, 4, 29), report_due_day=31)
    assert [due for due, _ in schedule_dates(batch)] == [D(2020, 1, 31), D(2020, 2, 29), D(2020, 3, 31)]
    late_start = BatchFactory(cultivation_start=D(2019, 7, 26), cultivation_end=D(2019, 9, 30), report_due_day=25)
    assert [due for due, _ in schedule_dates(late_start)] == [D(2019, 8, 25), D(2019, 9, 25)]


def test_a_quarterly_schedule_names_its_months(db):
    batch = BatchFactory(cultivation_start=D(2019, 7, 1), cultivation_end=D(2020, 5, 31), report_every_months=3,
                         report_due_day=10)
    dates = schedule_dates(batch)
    assert [due for due, _ in dates] == [D(2019, 7, 10), D(2019, 10, 10), D(2020, 1, 10), D(2020, 4, 10)]
    assert dates[1][1] == "2019年8月至2019年10月"


def test_a_milestone_adds_a_period_and_splits_the_span(tree):
    project = cultivating_project(tree.branch_a1)
    regular = periods_of(project)
    second = regular[1]
    middle = second.start + datetime.timedelta(days=3)
    milestone = reports.milestone_add(project=project, date=middle, title="主题党日观摩", actor=tree.unit_staff)
    periods = periods_of(project, [milestone])
    assert len(periods) == len(regular) + 1
    added = next(p for p in periods if p.due == middle)
    assert added.milestone and added.title == "节点：主题党日观摩" and added.start == second.start
    assert next(p for p in periods if p.due == second.due).start == middle + datetime.timedelta(days=1)
    assert Notification.objects.filter(user=tree.secretary, title__contains="新增报告节点").exists()


@pytest.mark.parametrize("who", ["secretary", "other_unit_staff", "reviewer"])
def test_only_unit_or_school_staff_set_milestones(tree, who):
    project = cultivating_project(tree.branch_a1)
    with pytest.raises(reports.NotAllowed):
        reports.milestone_add(project=project, date=project.batch.cultivation_start + datetime.timedelta(days=5),
                              title="节点", actor=getattr(tree, who))
    assert not Milestone.objects.exists()


def test_a_milestone_outside_the_window_or_on_a_due_date_is_refused(tree):
    project = cultivating_project(tree.branch_a1)
    with pytest.raises(MoveRefused, match="须在培育阶段之内"):
        reports.milestone_add(project=project, date=project.batch.cultivation_end + datetime.timedelta(days=1),
                              title="节点", actor=tree.staff)
    with pytest.raises(MoveRefused, match="已是本项目的报告截止日期"):
        reports.milestone_add(project=project, date=periods_of(project)[0].due, title="节点", actor=tree.staff)
    assert not Milestone.objects.exists()


# ---- starting and editing ------------------------------------------------------------------

def test_the_secretary_starts_a_period_once(tree):
    project = cultivating_project(tree.branch_a1)
    due = periods_of(project)[0].due
    report = reports.report_start(project=project, period_due=due, actor=tree.secretary)
    assert report.state == ReportState.DRAFT and report.period_due == due
    assert reports.report_start(project=project, period_due=due, actor=tree.secretary).pk == report.pk
    assert ProgressReport.objects.count() == 1
    assert Event.objects.filter(action="report.started").count() == 1


def test_a_report_cannot_start_on_a_date_that_is_not_due(tree):
    project = cultivating_project(tree.branch_a1)
    with pytest.raises(MoveRefused, match="不是本项目的报告截止日期"):
        reports.report_start(project=project, period_due=periods_of(project)[0].due + datetime.timedelta(days=1),
                             actor=tree.secretary)
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("state", sorted(set(ProjectState.values) - {"recognized", "midterm_submitted", "rectifying",
                                                                      "final_submitted", "accepted", "failed"}))
def test_reports_exist_only_for_cultivated_projects(tree, state):
    project = cultivating_project(tree.branch_a1)
    Project.objects.filter(pk=project.pk).update(state=state)
    project.refresh_from_db()
    with pytest.raises(MoveRefused, match="尚未确定为培育对象"):
        reports.report_start(project=project, period_due=periods_of(project)[0].due, actor=tree.secretary)
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("state", ["final_submitted", "accepted", "failed"])
def test_a_finished_project_refuses_starting_editing_and_submitting_reports(tree, client_for, state):
    project = cultivating_project(tree.branch_a1)
    periods = periods_of(project)
    draft = progress_report(project, due=periods[0].due)
    Project.objects.filter(pk=project.pk).update(state=state)
    project.refresh_from_db()
    label = ProjectState(state).label
    with pytest.raises(MoveRefused, match=f"该项目当前为“{label}”，已不在培育或整改期"):
        reports.report_start(project=project, period_due=periods[1].due, actor=tree.secretary)
    with pytest.raises(MoveRefused, match="不再需要填写或提交进展报告"):
        reports.report_edit(report=draft, actor=tree.secretary, expected_version=draft.version, narrative="补写",
                            counts={})
    with pytest.raises(MoveRefused, match="不再需要填写或提交进展报告"):
        reports.report_submit(report=draft, actor=tree.secretary)
    # Through the page: the refusal is flashed in Chinese, nothing is begun.
    response = client_for(tree.secretary).post(reverse("cultivation:report_start", args=[project.pk]),
                                               {"period_due": periods[1].due.isoformat()}, follow=True)
    assert "已不在培育或整改期" in response.content.decode()
    assert ProgressReport.objects.count() == 1
    assert ProgressReport.objects.get().state == ReportState.DRAFT


@pytest.mark.parametrize("who", ["unit_staff", "staff", "other_secretary", "reviewer"])
def test_only_the_branch_secretary_starts_a_report(tree, who):
    project = cultivating_project(tree.branch_a1)
    with pytest.raises(reports.NotAllowed):
        reports.report_start(project=project, period_due=periods_of(project)[0].due, actor=getattr(tree, who))
    assert not ProgressReport.objects.exists()


def test_editing_saves_counts_and_activity_progress_and_refuses_a_stale_form(tree):
    project = cultivating_project(tree.branch_a1)
    report = progress_report(project)
    activity = project.activities.get()
    edited = reports.report_edit(
        report=report, actor=tree.secretary, expected_version=1, narrative="开展主题党日2次",
        counts={"congress_count": 1, "committee_count": 2, "group_count": 3, "lecture_count": 1, "theme_day_count": 2},
        activities={activity.pk: {"times_held": 2, "participants": 40, "progress": "完成两场诵读"}})
    assert edited.version == 2 and edited.meetings_total == 9
    assert ActivityProgress.objects.get(report=report).participants == 40
    with pytest.raises(MoveRefused, match="已在别处被修改"):
        reports.report_edit(report=report, actor=tree.secretary, expected_version=1, narrative="覆盖", counts={})
    assert ProgressReport.objects.get(pk=report.pk).narrative == "开展主题党日2次"


def test_editing_refuses_an_activity_of_another_project(tree):
    project = cultivating_project(tree.branch_a1)
    other = cultivating_project(tree.branch_b1, batch=project.batch)
    report = progress_report(project)
    with pytest.raises(MoveRefused, match="不属于本项目"):
        reports.report_edit(report=report, actor=tree.secretary, expected_version=1, narrative="x", counts={},
                            activities={other.activities.get().pk: {"times_held": 1, "participants": 1, "progress": ""}})
    assert not ActivityProgress.objects.exists()
    assert ProgressReport.objects.get(pk=report.pk).narrative != "x"


@pytest.mark.parametrize("state", [ReportState.SUBMITTED, ReportState.ENDORSED, ReportState.ACCEPTED])
def test_a_handed_in_report_cannot_be_edited(tree, state):
    report = progress_report(cultivating_project(tree.branch_a1), state=state)
    with pytest.raises(MoveRefused, match="不能修改"):
        reports.report_edit(report=report, actor=tree.secretary, expected_version=1, narrative="改", counts={})


# ---- every move from every state, by every role ----------------------------------------------

def actor_for(tree, move):
    return {"secretary": tree.secretary, "unit": tree.unit_staff, "school": tree.staff}[move.actors[0]]


@pytest.mark.parametrize(("state", "name"), list(itertools.product(ReportState.values, REPORT_MOVES)))
def test_every_move_from_every_state(tree, state, name):
    move = REPORT_MOVES[name]
    report = progress_report(cultivating_project(tree.branch_a1), state=state)
    kwargs = dict(report=report, name=name, actor=actor_for(tree, move), comment="请补充主题党日照片")
    if state in move.sources:
        moved = reports.report_move(**kwargs)
        assert moved.state == move.target and moved.version == 2
        assert Event.objects.filter(action=f"report.{name}", object_id=str(report.pk)).exists()
    else:
        with pytest.raises(MoveRefused, match="当前状态为"):
            reports.report_move(**kwargs)
        fresh = ProgressReport.objects.get(pk=report.pk)
        assert (fresh.state, fresh.version) == (state, 1)


@pytest.mark.parametrize("name", list(REPORT_MOVES))
def test_every_move_refuses_every_wrong_role(tree, name):
    move = REPORT_MOVES[name]
    report = progress_report(cultivating_project(tree.branch_a1), state=move.sources[0])
    by_actor = {"secretary": tree.secretary, "unit": tree.unit_staff, "school": tree.staff}
    wrong = [tree.other_secretary, tree.other_unit_staff, tree.reviewer]
    wrong += [user for actor, user in by_actor.items() if actor not in move.actors]
    for user in wrong:
        with pytest.raises(reports.NotAllowed, match="您无权"):
            reports.report_move(report=report, name=name, actor=user, comment="意见")
    fresh = ProgressReport.objects.get(pk=report.pk)
    assert (fresh.state, fresh.version) == (move.sources[0], 1)
    assert not Notification.objects.exists()


def test_the_whole_flow_with_a_return_and_the_people_who_hear_of_it(tree):
    project = cultivating_project(tree.branch_a1)
    report = progress_report(project)
    reports.report_submit(report=report, actor=tree.secretary)
    assert Notification.objects.filter(user=tree.unit_staff, title__contains="进展报告已提交").exists()
    reports.report_endorse(report=report, actor=tree.unit_staff, comment="同意")
    assert Notification.objects.filter(user=tree.staff, title__contains="审核通过").exists()
    returned = reports.report_return(report=report, actor=tree.staff, comment="请补充党课记录")
    assert returned.state == ReportState.RETURNED and returned.return_reason == "请补充党课记录"
    assert returned.returned_by == tree.staff and returned.unit_comment == "同意"
    note = Notification.objects.get(user=tree.secretary, title__contains="退回修改")
    assert "请补充党课记录" in note.body and note.url == f"/cultivation/reports/{report.pk}/"
    reports.report_submit(report=report, actor=tree.secretary)
    reports.report_endorse(report=report, actor=tree.unit_staff)
    accepted = reports.report_accept(report=report, actor=tree.staff, comment="很好")
    assert accepted.state == ReportState.ACCEPTED and accepted.accepted_by == tree.staff
    assert accepted.school_comment == "很好" and accepted.version == 7
    assert not Notification.objects.filter(user=tree.other_secretary).exists()
    assert not Notification.objects.filter(user=tree.other_unit_staff).exists()


def test_a_return_needs_a_reason_and_an_empty_report_cannot_be_submitted(tree):
    project = cultivating_project(tree.branch_a1)
    report = progress_report(project, narrative="")
    with pytest.raises(MoveRefused, match="请先填写本期工作进展"):
        reports.report_submit(report=report, actor=tree.secretary)
    ProgressReport.objects.filter(pk=report.pk).update(state=ReportState.SUBMITTED)
    with pytest.raises(MoveRefused, match="须填写退回意见"):
        reports.report_return(report=report, actor=tree.unit_staff, comment="  ")
    assert ProgressReport.objects.get(pk=report.pk).state == ReportState.SUBMITTED


def test_a_stale_version_is_refused(tree):
    report = progress_report(cultivating_project(tree.branch_a1), state=ReportState.SUBMITTED)
    reports.report_endorse(report=report, actor=tree.unit_staff, expected_version=1)
    with pytest.raises(MoveRefused, match="已被他人更新"):
        reports.report_return(report=report, actor=tree.staff, comment="x", expected_version=1)


def test_the_school_endorses_for_a_direct_branch_without_unit_staff(tree):
    project = cultivating_project(tree.direct)
    secretary = tree.secretary.__class__.objects.create(username="direct_secretary")
    from branches.models import RoleAssignment

    RoleAssignment.objects.create(user=secretary, role="secretary", organization=tree.direct)
    report = progress_report(project)
    reports.report_submit(report=report, actor=secretary)
    assert Notification.objects.filter(user=tree.staff, title__contains="进展报告已提交").exists()
    assert reports.report_endorse(report=report, actor=tree.staff).state == ReportState.ENDORSED


# ---- through the views ---------------------------------------------------------------------

def test_the_flow_through_the_views(tree, client_for):
    project = cultivating_project(tree.branch_a1)
    client = client_for(tree.secretary)
    due = periods_of(project)[0].due
    response = client.post(reverse("cultivation:report_start", args=[project.pk]), {"period_due": due.isoformat()})
    report = ProgressReport.objects.get()
    assert response.status_code == 302 and response.url == reverse("cultivation:report_edit", args=[report.pk])
    page = client.get(response.url)
    assert page.status_code == 200 and "经典诵读进课堂" in page.content.decode()
    activity = project.activities.get()
    data = {"version": 1, "narrative": "召开支部党员大会，开展主题党日", "congress_count": 1, "committee_count": 1,
            "group_count": 2, "lecture_count": 1, "theme_day_count": 1, f"activity_{activity.pk}_times_held": 1,
            f"activity_{activity.pk}_participants": 30, f"activity_{activity.pk}_progress": "首场诵读", "submit": "1"}
    response = client.post(reverse("cultivation:report_edit", args=[report.pk]), data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.group_count == 2

    unit = client_for(tree.unit_staff)
    detail = unit.get(reverse("cultivation:report_detail", args=[report.pk])).content.decode()
    assert "审核通过" in detail and "首场诵读" in detail
    unit.post(reverse("cultivation:report_move", args=[report.pk, "return_submitted"]),
              {"comment": "请补充党课照片", "version": report.version})
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED

    client = client_for(tree.secretary)
    edit_page = client.get(reverse("cultivation:report_edit", args=[report.pk])).content.decode()
    assert "请补充党课照片" in edit_page
    data.update(version=report.version)
    client.post(reverse("cultivation:report_edit", args=[report.pk]), data)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_a_refused_move_through_the_view_flashes_the_reason_and_changes_nothing(tree, client_for):
    report = progress_report(cultivating_project(tree.branch_a1), state=ReportState.SUBMITTED)
    client = client_for(tree.unit_staff)
    response = client.post(reverse("cultivation:report_move", args=[report.pk, "return_submitted"]),
                           {"comment": "", "version": 1}, follow=True)
    assert "须填写退回意见" in response.content.decode()
    assert ProgressReport.objects.get(pk=report.pk).state == ReportState.SUBMITTED


def test_a_move_the_role_never_makes_is_403_through_the_view(tree, client_for):
    report = progress_report(cultivating_project(tree.branch_a1), state=ReportState.ENDORSED)
    response = client_for(tree.unit_staff).post(reverse("cultivation:report_move", args=[report.pk, "accept"]),
                                               {"comment": "", "version": 1})
    assert response.status_code == 403
    assert ProgressReport.objects.get(pk=report.pk).state == ReportState.ENDORSED


def test_an_unknown_move_is_404(tree, client_for):
    report = progress_report(cultivating_project(tree.branch_a1), state=ReportState.SUBMITTED)
    response = client_for(tree.staff).post(reverse("cultivation:report_move", args=[report.pk, "delete"]), {})
    assert response.status_code == 404


def test_an_invalid_edit_shows_the_errors_and_saves_nothing(tree, client_for):
    report = progress_report(cultivating_project(tree.branch_a1))
    response = client_for(tree.secretary).post(reverse("cultivation:report_edit", args=[report.pk]), {
        "version": 1, "narrative": "", "congress_count": -1, "committee_count": "abc"})
    assert response.status_code == 200
    assert "请填写本期工作进展" in response.content.decode()
    assert ProgressReport.objects.get(pk=report.pk).version == 1

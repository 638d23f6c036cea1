"""Results: combined score, profile, spread, grade, rank, the mid-term → final change, and publishing
them as the workflow's decisions and a results notice."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cultivation.enums import ProjectState
from cultivation.models import Notice
from cultivation.workflow import MoveRefused
from evaluations import selectors, services
from evaluations.enums import RoundState
from tests.factories import RoundFactory, materials_for, submitted_sheet


def by_project(round_):
    return {r.project.pk: r for r in selectors.round_results(round_)}


def test_trimmed_mean_from_five_scores(panel):
    for reviewer, value in zip([panel.reviewer_b, panel.reviewer_c, panel.reviewer_c2, panel.reviewer_d], [10, 9, 8, 5]):
        submitted_sheet(panel.round, panel.project_a, reviewer, value, staff=panel.tree.staff)
    result = by_project(panel.round)[panel.project_a.pk]
    # Four scores (< trim_min 5): plain mean of 100, 90, 80, 50.
    assert result.score == Decimal("80.00") and not result.trimmed
    assert result.spread == Decimal("50.00")
    assert result.grade == "good"
    extra = __import__("tests.factories", fromlist=["reviewer_in"]).reviewer_in(panel.unit_d, username="expert_d2")
    submitted_sheet(panel.round, panel.project_a, extra, 7, staff=panel.tree.staff)
    result = by_project(panel.round)[panel.project_a.pk]
    # Five scores: drop 100 and 50, mean of 90, 80, 70.
    assert result.score == Decimal("80.00") and result.trimmed
    profile = {row.criterion.name: row for row in result.profile}
    assert profile["教育党员有力"].combined == Decimal("8.00")
    assert len(profile["教育党员有力"].values) == 5


def test_ranking_and_pending_sheets(panel):
    submitted_sheet(panel.round, panel.project_a, panel.reviewer_c, 9, staff=panel.tree.staff)
    submitted_sheet(panel.round, panel.project_b, panel.reviewer_c, 7, staff=panel.tree.staff)
    services.assignment_add(round_=panel.round, project=panel.project_b, reviewer=panel.reviewer_d,
                            actor=panel.tree.staff)
    results = selectors.round_results(panel.round)
    assert [r.project for r in results] == [panel.project_a, panel.project_b]
    assert [r.rank for r in results] == [1, 2]
    assert results[1].pending == 1
    assert [r.grade_label for r in results] == ["优秀", "合格"]


def test_the_change_from_midterm_to_final(panel):
    submitted_sheet(panel.round, panel.project_a, panel.reviewer_c, 7, staff=panel.tree.staff)
    final = RoundFactory(batch=panel.round.batch, phase="final", name="验收")
    from cultivation.models import Project

    Project.objects.filter(pk=panel.project_a.pk).update(state=ProjectState.FINAL_SUBMITTED)
    panel.project_a.refresh_from_db()
    submitted_sheet(final, panel.project_a, panel.reviewer_c, 9, staff=panel.tree.staff)
    result = by_project(final)[panel.project_a.pk]
    assert result.previous == Decimal("70.00") and result.change == Decimal("20.00")


def close_with_scores(panel, values=(9, 7)):
    submitted_sheet(panel.round, panel.project_a, panel.reviewer_c, values[0], staff=panel.tree.staff)
    submitted_sheet(panel.round, panel.project_b, panel.reviewer_c, values[1], staff=panel.tree.staff)
    for project in (panel.project_a, panel.project_b):
        materials_for(project, "conclude_midterm", user=panel.tree.staff)
    return services.round_move(round_=panel.round, name="close", actor=panel.tree.staff)


def test_publishing_decides_every_project_and_publishes_the_notice(panel):
    round_ = close_with_scores(panel, (9, 8))
    today = timezone.localdate()
    published = services.round_publish(round_=round_, actor=panel.tree.staff, title="中期评估结果公示",
                                       body="现予公示", starts_on=today)
    assert published.state == RoundState.PUBLISHED
    panel.project_a.refresh_from_db()
    panel.project_b.refresh_from_db()
    assert (panel.project_a.state, panel.project_a.midterm_grade) == (ProjectState.RECTIFYING, "excellent")
    assert panel.project_b.midterm_grade == "good"
    notice = Notice.objects.get()
    assert notice.kind == "midterm" and published.notice == notice
    notes = list(notice.items.order_by("order").values_list("note", flat=True))
    assert notes[0].startswith("优秀（综合得分 90") and "第 1 名" in notes[0]


def test_a_decision_the_workflow_refuses_rolls_back_the_whole_publication(panel):
    submitted_sheet(panel.round, panel.project_a, panel.reviewer_c, 9, staff=panel.tree.staff)
    submitted_sheet(panel.round, panel.project_b, panel.reviewer_c, 8, staff=panel.tree.staff)
    materials_for(panel.project_a, "conclude_midterm", user=panel.tree.staff)  # project_b has no 整改意见
    round_ = services.round_move(round_=panel.round, name="close", actor=panel.tree.staff)
    with pytest.raises(MoveRefused, match="整改意见"):
        services.round_publish(round_=round_, actor=panel.tree.staff, title="t", body="b",
                               starts_on=timezone.localdate())
    panel.project_a.refresh_from_db()
    round_.refresh_from_db()
    assert panel.project_a.state == ProjectState.MIDTERM_SUBMITTED and not panel.project_a.midterm_grade
    assert round_.state == RoundState.CLOSED and not Notice.objects.exists()


def test_publishing_an_open_round_is_refused(panel):
    submitted_sheet(panel.round, panel.project_a, panel.reviewer_c, 9, staff=panel.tree.staff)
    with pytest.raises(MoveRefused, match="先结束评审"):
        services.round_publish(round_=panel.round, actor=panel.tree.staff, title="t", body="b",
                               starts_on=timezone.localdate())


def test_a_project_without_scores_blocks_publishing_and_nothing_changes(panel):
    submitted_sheet(panel.round, panel.project_a, panel.reviewer_c, 9, staff=panel.tree.staff)
    round_ = services.round_move(round_=panel.round, name="close", actor=panel.tree.staff)
    with pytest.raises(MoveRefused, match="尚无有效评分"):
        services.round_publish(round_=round_, actor=panel.tree.staff, title="t", body="b",
                               starts_on=timezone.localdate())
    panel.project_a.refresh_from_db()
    assert panel.project_a.state == ProjectState.MIDTERM_SUBMITTED and not Notice.objects.exists()


def test_a_failing_final_grade_fails_the_project(panel):
    from cultivation.models import Project

    final = RoundFactory(batch=panel.round.batch, phase="final")
    Project.objects.filter(pk=panel.project_a.pk).update(state=ProjectState.FINAL_SUBMITTED)
    project = Project.objects.get(pk=panel.project_a.pk)
    submitted_sheet(final, project, panel.reviewer_c, 4, staff=panel.tree.staff)
    materials_for(project, "fail", user=panel.tree.staff)
    final = services.round_move(round_=final, name="close", actor=panel.tree.staff)
    services.round_publish(round_=final, actor=panel.tree.staff, title="验收结果公示", body="现予公示",
                           starts_on=timezone.localdate())
    project.refresh_from_db()
    assert (project.state, project.final_grade) == (ProjectState.FAILED, "fail")
    assert Notice.objects.get().kind == "acceptance"


def test_the_publish_page(panel, client_for):
    round_ = close_with_scores(panel)
    client = client_for(panel.tree.staff)
    page = reverse("evaluations:round_publish", args=[round_.pk])
    assert client.get(page).status_code == 200
    response = client.post(page, {"title": "中期评估结果公示", "body": "现予公示", "version": round_.version,
                                  "starts_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.state == RoundState.PUBLISHED


def test_results_page_lists_ranked_projects(panel, client_for):
    close_with_scores(panel)
    html = client_for(panel.tree.staff).get(reverse("evaluations:round_results", args=[panel.round.pk])).content.decode()
    assert html.index(panel.tree.branch_a1.name) < html.index(panel.tree.branch_b1.name)
    detail = client_for(panel.tree.staff).get(
        reverse("evaluations:result_detail", args=[panel.round.pk, panel.project_a.pk]))
    assert detail.status_code == 200 and "教育党员有力" in detail.content.decode()

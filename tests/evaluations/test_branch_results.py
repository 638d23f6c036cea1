"""A branch's secretary reads their own published result: combined score, grade, rank and the
per-criterion profile beside their self-evaluation. Before publication, or for another branch, 404."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.enums import Role
from branches.models import RoleAssignment
from evaluations import selectors, services
from tests.factories import BranchFactory, materials_for, round_project, submitted_sheet


def self_values(round_, project):
    """10 on the first criterion, 6 on the others: 46 of 70 → 65.71."""
    criteria = services.applicable_criteria(round_, project)
    return {c.pk: ("10" if index == 0 else "6", "") for index, c in enumerate(criteria)}


def publish(panel, *, starts_on=None, projects=None):
    """Scores 9 and 7 from two experts for project_a (80 → 良好), 6 and 6 for project_b (60 → 合格),
    project_a's self-evaluation, then close and publish."""
    staff = panel.tree.staff
    projects = projects or [panel.project_a, panel.project_b]
    services.self_evaluation_save(round_=panel.round, project=panel.project_a, actor=panel.tree.secretary,
                                  narrative="对照“七个有力”逐项自评。", values=self_values(panel.round, panel.project_a),
                                  submit=True)
    for project in projects:
        values = (9, 7) if project == panel.project_a else (6, 6)
        submitted_sheet(panel.round, project, panel.reviewer_c, values[0], staff=staff)
        submitted_sheet(panel.round, project, panel.reviewer_d, values[1], staff=staff)
        materials_for(project, "conclude_midterm", user=staff)
    round_ = services.round_move(round_=panel.round, name="close", actor=staff)
    return services.round_publish(round_=round_, actor=staff, title="中期评估结果公示", body="现予公示",
                                  starts_on=starts_on or timezone.localdate())


def result_url(round_, project):
    return reverse("evaluations:branch_result", args=[round_.pk, project.pk])


def test_nothing_shows_before_publication(panel, client_for):
    submitted_sheet(panel.round, panel.project_a, panel.reviewer_c, 9, staff=panel.tree.staff)
    materials_for(panel.project_a, "conclude_midterm", user=panel.tree.staff)
    services.round_move(round_=panel.round, name="close", actor=panel.tree.staff)
    client = client_for(panel.tree.secretary)
    assert client.get(result_url(panel.round, panel.project_a)).status_code == 404
    html = client.get(reverse("evaluations:branch_results")).content.decode()
    assert "尚无已发布的评审结果" in html and panel.round.name not in html
    assert "尚无已发布的评审结果" in client.get(reverse("home")).content.decode()


def test_the_secretary_reads_score_grade_rank_and_profile_against_the_self_evaluation(panel, client_for):
    round_ = publish(panel)
    response = client_for(panel.tree.secretary).get(result_url(round_, panel.project_a))
    assert response.status_code == 200
    round_, result, ranked = selectors.branch_result_or_404(panel.tree.secretary, round_.pk, panel.project_a.pk,
                                                            timezone.localdate())
    assert (result.score, result.grade, result.rank, ranked) == (Decimal("80.00"), "good", 1, 2)
    first = result.profile[0]
    assert (first.combined, first.self_value, first.difference) == (Decimal("8.00"), Decimal("10.00"),
                                                                     Decimal("2.00"))
    assert result.profile[1].difference == Decimal("-2.00")
    html = response.content.decode()
    assert '<div class="fs-3 fw-semibold" data-testid="branch-score">80</div>' in html
    assert 'data-testid="branch-grade">良好</div>' in html
    assert "第 1 名" in html and "共 2 个" in html
    assert "教育党员有力" in html and "+2" in html and "65.71" in html
    # Reviewers stay anonymous to the branch.
    assert panel.reviewer_c.username not in html and panel.reviewer_c.get_full_name() not in html


def test_the_list_and_the_home_panel_show_only_the_own_branch(panel, client_for):
    round_ = publish(panel)
    client = client_for(panel.tree.secretary)
    html = client.get(reverse("evaluations:branch_results")).content.decode()
    assert result_url(round_, panel.project_a) in html and result_url(round_, panel.project_b) not in html
    assert "良好" in html and "合格" not in html
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="branch-results-panel"' in home and result_url(round_, panel.project_a) in home
    other = client_for(panel.tree.other_secretary).get(reverse("evaluations:branch_results")).content.decode()
    assert result_url(round_, panel.project_b) in other and result_url(round_, panel.project_a) not in other


@pytest.mark.parametrize("who", ["other_secretary", "unit_staff", "reviewer", "staff"])
def test_another_branchs_result_is_not_found(panel, client_for, who):
    round_ = publish(panel)
    assert client_for(getattr(panel.tree, who)).get(result_url(round_, panel.project_a)).status_code == 404


def test_a_project_outside_the_round_is_not_found(panel, client_for):
    round_ = publish(panel, projects=[panel.project_a, panel.project_b])
    from tests.factories import ProjectFactory

    elsewhere = ProjectFactory(organization=panel.tree.branch_a1)  # the same branch, another batch
    assert client_for(panel.tree.secretary).get(result_url(round_, elsewhere)).status_code == 404


def test_a_notice_that_starts_later_keeps_the_result_hidden_until_then(panel, client_for):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    round_ = publish(panel, starts_on=tomorrow)
    client = client_for(panel.tree.secretary)
    assert client.get(result_url(round_, panel.project_a)).status_code == 404
    assert selectors.published_for_branches(panel.tree.secretary, timezone.localdate()) == []
    later = selectors.published_for_branches(panel.tree.secretary, tomorrow)
    assert [(p["round"], p["project"]) for p in later] == [(round_, panel.project_a)]


def test_users_without_a_secretary_role_are_refused_the_list(panel, client_for):
    assert client_for(panel.reviewer_c).get(reverse("evaluations:branch_results")).status_code == 403


@pytest.mark.parametrize("size", [1, 3])
def test_the_list_runs_a_constant_number_of_queries(panel, client_for, size, django_assert_num_queries):
    """The secretary holds `size` branches, each in the published round."""
    secretary = panel.tree.secretary
    projects = [panel.project_a, panel.project_b]
    for n in range(size - 1):
        branch = BranchFactory(parent=panel.tree.unit_a, name=f"甲学院第{n + 3}党支部")
        RoleAssignment.objects.create(user=secretary, role=Role.SECRETARY, organization=branch)
        projects.append(round_project(branch, panel.round))
    publish(panel, projects=projects)
    client = client_for(secretary)
    with django_assert_num_queries(11):
        response = client.get(reverse("evaluations:branch_results"))
    assert response.content.decode().count("查看详情") == size
    assert len(selectors.attach_summaries(selectors.published_for_branches(secretary, timezone.localdate()))) == size

"""A branch's secretary reads their own published result: combined score, grade, rank and the
per-criterion profile beside their self-evaluation; 二级党组织 staff read those of their sub-tree.
The experts' comments show anonymized (专家一, 专家二 …). Before publication, or out of scope, 404."""

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


@pytest.mark.parametrize("who", ["other_secretary", "other_unit_staff", "reviewer", "staff"])
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


# ---- 二级党组织 staff ---------------------------------------------------------------------------

def test_unit_staff_read_the_results_of_their_sub_tree(panel, client_for):
    deep = round_project(panel.tree.branch_a2, panel.round)  # under the 党总支 inside 甲学院党委
    round_ = publish(panel, projects=[panel.project_a, panel.project_b, deep])
    client = client_for(panel.tree.unit_staff)
    response = client.get(result_url(round_, panel.project_a))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="branch-grade">良好</div>' in html and "专家评分与支部自评" in html
    assert client.get(result_url(round_, deep)).status_code == 200
    assert client.get(result_url(round_, panel.project_b)).status_code == 404
    listing = client.get(reverse("evaluations:branch_results")).content.decode()
    assert "所辖党支部评审结果" in listing
    assert result_url(round_, panel.project_a) in listing and result_url(round_, deep) in listing
    assert result_url(round_, panel.project_b) not in listing
    other = client_for(panel.tree.other_unit_staff)
    assert other.get(result_url(round_, panel.project_a)).status_code == 404
    assert other.get(result_url(round_, panel.project_b)).status_code == 200
    assert result_url(round_, panel.project_a) not in other.get(reverse("evaluations:branch_results")).content.decode()


def test_unit_staff_see_nothing_before_publication(panel, client_for):
    submitted_sheet(panel.round, panel.project_a, panel.reviewer_c, 9, staff=panel.tree.staff)
    materials_for(panel.project_a, "conclude_midterm", user=panel.tree.staff)
    services.round_move(round_=panel.round, name="close", actor=panel.tree.staff)
    client = client_for(panel.tree.unit_staff)
    assert client.get(result_url(panel.round, panel.project_a)).status_code == 404
    html = client.get(reverse("evaluations:branch_results")).content.decode()
    assert "尚无已发布的评审结果" in html and panel.round.name not in html


def test_the_unit_staff_home_panel_links_to_the_results(panel, client_for):
    round_ = publish(panel)
    home = client_for(panel.tree.unit_staff).get(reverse("home")).content.decode()
    assert 'data-testid="branch-results-panel"' in home and "所辖党支部评审结果" in home
    assert 'data-testid="branch-results-link"' in home and reverse("evaluations:branch_results") in home
    assert result_url(round_, panel.project_a) in home and result_url(round_, panel.project_b) not in home
    # 组织部 reads results on its own pages; no branch panel for them.
    staff_home = client_for(panel.tree.staff).get(reverse("home")).content.decode()
    assert 'data-testid="branch-results-panel"' not in staff_home


@pytest.mark.parametrize("size", [1, 3])
def test_the_unit_staff_list_runs_a_constant_number_of_queries(panel, client_for, size,
                                                                django_assert_num_queries):
    """`size` projects of 甲学院党委's sub-tree in the published round, beside 乙学院党委's project."""
    projects = [panel.project_a, panel.project_b]
    for n in range(size - 1):
        branch = BranchFactory(parent=panel.tree.general, name=f"甲学院临床第{n + 3}党支部")
        projects.append(round_project(branch, panel.round))
    publish(panel, projects=projects)
    client = client_for(panel.tree.unit_staff)
    with django_assert_num_queries(11):  # as for a secretary
        response = client.get(reverse("evaluations:branch_results"))
    assert response.content.decode().count("查看详情") == size


# ---- the experts' comments, anonymized --------------------------------------------------------

def commented_sheet(round_, project, reviewer, value, *, staff, remark, overall):
    sheet = services.assignment_add(round_=round_, project=project, reviewer=reviewer, actor=staff)
    criteria = services.applicable_criteria(round_, project)
    values = {c.pk: (str(value), f"{remark}：{c.name}" if index < 2 else "") for index, c in enumerate(criteria)}
    return services.sheet_save(sheet=sheet, actor=reviewer, values=values, comment=overall, submit=True)


def publish_with_comments(panel):
    staff = panel.tree.staff
    sheets = [commented_sheet(panel.round, panel.project_a, panel.reviewer_c, 9, staff=staff,
                              remark="丙评", overall="丙专家总体评语<b>"),
              commented_sheet(panel.round, panel.project_a, panel.reviewer_d, 7, staff=staff,
                              remark="丁评", overall="丁专家总体评语"),
              commented_sheet(panel.round, panel.project_a, panel.reviewer_c2, 8, staff=staff,
                              remark="丙二评", overall="")]
    submitted_sheet(panel.round, panel.project_b, panel.reviewer_c, 6, staff=staff)
    for project in (panel.project_a, panel.project_b):
        materials_for(project, "conclude_midterm", user=staff)
    round_ = services.round_move(round_=panel.round, name="close", actor=staff)
    round_ = services.round_publish(round_=round_, actor=staff, title="中期评估结果公示", body="现予公示",
                                    starts_on=timezone.localdate())
    return round_, sheets


@pytest.mark.parametrize("who", ["secretary", "unit_staff"])
def test_the_experts_comments_show_anonymized_in_a_stable_order(panel, client_for, who):
    round_, sheets = publish_with_comments(panel)
    client = client_for(getattr(panel.tree, who))
    html = client.get(result_url(round_, panel.project_a)).content.decode()
    def comments(page):
        return page[page.index('data-testid="expert-comments"'):page.index("</section>", page.index("expert-comments"))]

    again = client.get(result_url(round_, panel.project_a)).content.decode()
    assert comments(html) == comments(again)  # the same on every visit
    expected = sorted(sheets, key=selectors.anonymous_order)
    remarks = {panel.reviewer_c.pk: "丙评", panel.reviewer_d.pk: "丁评", panel.reviewer_c2.pk: "丙二评"}
    first_criterion = services.applicable_criteria(round_, panel.project_a)[0].name
    for label, sheet in zip(["专家一", "专家二", "专家三"], expected):
        assert f"{label}：</span>{remarks[sheet.reviewer_id]}：{first_criterion}" in html
    # The overall comments, escaped, under the same labels; an expert without one is left out.
    overall = {panel.reviewer_c.pk: "丙专家总体评语&lt;b&gt;", panel.reviewer_d.pk: "丁专家总体评语"}
    labels = dict(zip([s.reviewer_id for s in expected], ["专家一", "专家二", "专家三"]))
    for reviewer_id, text in overall.items():
        assert f"{labels[reviewer_id]}：</span>{text}" in html
    assert "丙专家总体评语<b>" not in html
    assert html.count('data-testid="criterion-comments"') == 2
    # Nobody's name, username or the order in which they were assigned.
    for reviewer in (panel.reviewer_c, panel.reviewer_d, panel.reviewer_c2):
        assert reviewer.username not in html and reviewer.get_full_name() not in html


def test_the_anonymous_order_ignores_who_and_when(panel):
    round_, sheets = publish_with_comments(panel)
    result = selectors.branch_result_or_404(panel.tree.secretary, round_.pk, panel.project_a.pk,
                                            timezone.localdate())[1]
    assert [c["expert"] for c in result.comments] == [
        label for label, sheet in zip(["专家一", "专家二", "专家三"], sorted(sheets, key=selectors.anonymous_order))
        if sheet.comment]
    # The key is a keyed hash of the sheet alone: another reviewer on the same sheet gets the same place.
    from evaluations.models import ScoreSheet

    for sheet in sheets:
        stranger = ScoreSheet(pk=sheet.pk, round_id=sheet.round_id, project_id=sheet.project_id,
                              reviewer_id=panel.reviewer_a.pk)
        assert selectors.anonymous_order(stranger) == selectors.anonymous_order(sheet)


def test_no_comment_reaches_anyone_before_publication(panel, client_for):
    staff = panel.tree.staff
    commented_sheet(panel.round, panel.project_a, panel.reviewer_c, 9, staff=staff, remark="丙评", overall="总体")
    materials_for(panel.project_a, "conclude_midterm", user=staff)
    services.round_move(round_=panel.round, name="close", actor=staff)
    for who in ("secretary", "unit_staff"):
        assert client_for(getattr(panel.tree, who)).get(result_url(panel.round, panel.project_a)).status_code == 404


@pytest.mark.parametrize("n, text", [(1, "一"), (3, "三"), (10, "十"), (11, "十一"), (20, "二十"), (25, "二十五")])
def test_chinese_numbers(n, text):
    assert selectors.chinese_number(n) == text

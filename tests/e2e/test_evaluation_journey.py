"""A mid-term round from the reviewer's queue to the public results notice, through the pages.

A reviewer logs in, scores two projects (the running total follows the typing), saves a draft,
submits (the sheet locks), and the queue leads on to the next project; 组织部 staff close the
round, read the combined scores, grades and ranking, and publish them, which makes the workflow's
mid-term decisions and the results notice; a visitor who is not logged in reads that notice.
"""

import datetime

import pytest
from django.utils import timezone

from branches.enums import Role
from cultivation import services as cultivation_services
from cultivation import workflow
from cultivation.enums import ProjectState
from cultivation.models import Notice, Project
from evaluations import services
from evaluations.enums import Method, RoundPhase, RoundState, SheetState
from evaluations.models import ScoreSheet
from tests.e2e.conftest import login, screenshot
from tests.factories import (BatchFactory, OrganizationFactory, ProjectFactory, Tree, full_scores, materials_for,
                             reviewer_in, seven_rubric, user_with_role)

# The reviewer's scores for the two projects: one per criterion of the 七个有力 (10 points each).
SCORES_A = ["9", "8.5", "9", "8", "9.5", "9", "8"]   # 61 → 87.14 on the 100-point scale
SCORES_B = ["7", "7", "6.5", "7", "7.5", "7", "7"]   # 49 → 70


@pytest.fixture
def scene(transactional_db):
    today = timezone.localdate()
    tree = Tree()
    # The batch's 中期评估 window began ten days ago: the secretaries can submit, staff can decide.
    batch = BatchFactory(name="第一批“样板党支部”培育工程", start=today - datetime.timedelta(days=370))
    secretary_a2 = user_with_role(Role.SECRETARY, tree.branch_a2, username="secretary_a2")
    projects = []
    for branch, secretary in [(tree.branch_a1, tree.secretary), (tree.branch_a2, secretary_a2)]:
        project = ProjectFactory(organization=branch, batch=batch)
        Project.objects.filter(pk=project.pk).update(state=ProjectState.RECOGNIZED)
        materials_for(project, "submit_midterm", user=secretary)
        projects.append(workflow.project_submit_midterm(project=project, actor=secretary))
    round_ = services.round_create(
        actor=tree.staff, batch=batch, phase=RoundPhase.MIDTERM, name="第一批中期评估", rubric=seven_rubric(),
        deadline=today + datetime.timedelta(days=7), reviewers_per_project=2, method=Method.TRIMMED,
        trim_min_count=5)
    tree.reviewer.first_name = "王评审"
    tree.reviewer.save()
    for project in projects:
        services.assignment_add(round_=round_, project=project, reviewer=tree.reviewer, actor=tree.staff)
    # A second expert (丙学院党委) has already scored both: 9 and 6 on every criterion (90 and 60).
    other = reviewer_in(OrganizationFactory(name="丙学院党委", parent=tree.school), username="expert_c",
                        first_name="李专家")
    for project, value in zip(projects, [9, 6]):
        sheet = services.assignment_add(round_=round_, project=project, reviewer=other, actor=tree.staff)
        services.sheet_save(sheet=sheet, actor=other, values=full_scores(round_, project, value), submit=True)
        # The workflow asks for at least one 整改意见 before a mid-term decision.
        cultivation_services.feedback_add(project=project, actor=tree.staff, content="宣传平台更新不够及时，请加强")
    return {"tree": tree, "round": round_, "projects": projects}


def accept_dialogs(page):
    page.on("dialog", lambda dialog: dialog.accept())


def score_project(page, scores, *, submit):
    inputs = page.locator("input[data-score]")
    assert inputs.count() == len(scores)
    total = page.get_by_test_id("running-total")
    assert total.inner_text() == "0"
    running = 0.0
    for index, value in enumerate(scores):
        inputs.nth(index).fill("")
        inputs.nth(index).press_sequentially(value)
        running += float(value)
        # The running total follows each keystroke (static/js/scoresheet.js), before any save.
        expected = f"{running:.2f}".rstrip("0").rstrip(".")
        assert total.inner_text() == expected, (index, total.inner_text(), expected)
        page.locator("[data-scoresheet] tbody input:not([data-score])").nth(index).fill(f"第{index + 1}项落实到位")
    page.get_by_label("总体评语").fill("特色鲜明，材料翔实。")
    if submit:
        page.get_by_role("button", name="提交评分").click()
    else:
        page.get_by_role("button", name="保存草稿").click()


def test_reviewer_scores_staff_publish_and_the_public_reads_the_results(scene, new_page):
    tree, round_ = scene["tree"], scene["round"]
    project_a, project_b = scene["projects"]

    # ---- the reviewer ----
    page = new_page()
    accept_dialogs(page)
    login(page, "reviewer")
    panel = page.get_by_test_id("reviewer-queue-panel")
    assert "共 2 个项目，已提交 0 个，待评 2 个" in panel.inner_text()
    page.get_by_role("link", name="全部评审任务").click()
    page.wait_for_url("**/evaluations/")
    assert "已提交 0 个，待评 2 个" in page.get_by_test_id("queue-progress").inner_text()
    screenshot(page, "evaluation-queue-start")
    page.get_by_test_id("score-next").click()
    page.wait_for_url(f"**/rounds/{round_.pk}/projects/{project_a.pk}/score/")
    assert page.get_by_role("heading", name="评分：甲一党支部").is_visible()
    assert page.get_by_test_id("materials").is_visible()

    # A draft first: half the scores, saved; the page comes back with them.
    inputs = page.locator("input[data-score]")
    for index, value in enumerate(SCORES_A[:3]):
        inputs.nth(index).press_sequentially(value)
    assert page.get_by_test_id("running-total").inner_text() == "26.5"
    assert "4 项未填写" in page.locator("[data-total-warning]").inner_text()
    inputs.nth(3).press_sequentially("12")  # above the maximum: flagged, not counted
    assert "超出范围" in page.locator("[data-total-warning]").inner_text()
    assert page.get_by_test_id("running-total").inner_text() == "26.5"
    inputs.nth(3).fill("")
    page.get_by_role("button", name="保存草稿").click()
    assert page.get_by_text("草稿已保存").first.is_visible()
    assert ScoreSheet.objects.get(round=round_, project=project_a, reviewer=tree.reviewer).state == SheetState.DRAFT
    assert page.locator("input[data-score]").nth(1).input_value() == "8.5"
    assert page.get_by_test_id("running-total").inner_text() == "26.5"

    # Then every criterion and comment, and submit: back to the queue, told what was done and what is next.
    for index in range(3):
        page.locator("input[data-score]").nth(index).fill("")
    score_project(page, SCORES_A, submit=True)
    page.wait_for_url("**/evaluations/")
    assert page.get_by_text("已提交对甲一党支部的评分").is_visible()
    assert page.get_by_text("下一份待评：甲二党支部（尚未评分）").is_visible()
    sheet_a = ScoreSheet.objects.get(round=round_, project=project_a, reviewer=tree.reviewer)
    assert sheet_a.state == SheetState.SUBMITTED and str(sheet_a.total) == "61.00"
    assert sheet_a.scores.filter(comment="第7项落实到位").exists()

    # The submitted sheet is locked: every input disabled, no buttons to save or submit.
    page.goto(f"/evaluations/rounds/{round_.pk}/projects/{project_a.pk}/score/")
    assert page.get_by_test_id("sheet-locked").is_visible()
    inputs = page.locator("input[data-score]")
    assert inputs.count() == 7 and all(inputs.nth(i).is_disabled() for i in range(7))
    assert page.get_by_role("button", name="提交评分").count() == 0
    assert page.get_by_role("button", name="保存草稿").count() == 0
    assert page.get_by_test_id("running-total").inner_text() == "61"
    screenshot(page, "evaluation-sheet-locked")

    # The queue shows the progress and leads to the project still to score.
    page.get_by_role("link", name="评审任务").first.click()
    assert "已提交 1 个，待评 1 个" in page.get_by_test_id("queue-progress").inner_text()
    page.get_by_test_id("score-next").click()
    page.wait_for_url(f"**/rounds/{round_.pk}/projects/{project_b.pk}/score/")
    score_project(page, SCORES_B, submit=True)
    page.wait_for_url("**/evaluations/")
    assert "已提交 2 个，待评 0 个" in page.get_by_test_id("queue-progress").inner_text()
    assert page.get_by_test_id("score-next").count() == 0
    screenshot(page, "evaluation-queue-done")

    # ---- 组织部 ----
    page = new_page()
    accept_dialogs(page)
    login(page, "staff")
    page.get_by_test_id("staff-rounds-panel").get_by_role("link", name="第一批中期评估").click()
    assert "已提交 4 / 4" in page.get_by_test_id("round-progress").inner_text()
    page.get_by_role("button", name="结束评审").click()
    assert page.get_by_test_id("round-state").inner_text() == "评审结束，待发布结果"
    page.get_by_role("link", name="评审结果").first.click()
    rows = page.get_by_test_id("results-table").locator("tbody tr")
    assert rows.count() == 2
    # 甲一: (87.14 + 90) / 2 = 88.57 良好, first; 乙: (70 + 60) / 2 = 65 合格, second.
    first, second = rows.nth(0).inner_text(), rows.nth(1).inner_text()
    assert first.startswith("1") and "甲一党支部" in first and "88.57" in first and "良好" in first
    assert second.startswith("2") and "甲二党支部" in second and "65" in second and "合格" in second
    screenshot(page, "evaluation-results")
    page.get_by_test_id("publish-link").click()
    page.get_by_label("公示标题").fill("第一批“样板党支部”培育工程中期评估结果公示")
    screenshot(page, "evaluation-publish")
    page.get_by_role("button", name="作出决定并发布公示").click()
    assert page.get_by_test_id("published").is_visible()
    assert page.get_by_text("已作出评估决定并发布结果公示").is_visible()

    round_.refresh_from_db()
    project_a.refresh_from_db()
    project_b.refresh_from_db()
    assert round_.state == RoundState.PUBLISHED
    assert (project_a.state, project_a.midterm_grade) == (ProjectState.RECTIFYING, "good")
    assert (project_b.state, project_b.midterm_grade) == (ProjectState.RECTIFYING, "pass")
    notice = Notice.objects.get()
    assert round_.notice == notice and notice.kind == "midterm"

    # ---- anyone ----
    page = new_page()
    page.goto("/public/notices/")
    page.get_by_role("link", name="第一批“样板党支部”培育工程中期评估结果公示").click()
    items = page.get_by_test_id("notice-items").inner_text()
    assert "甲一党支部" in items and "良好（综合得分 88.57，第 1 名）" in items
    assert "甲二党支部" in items and "合格（综合得分 65，第 2 名）" in items
    screenshot(page, "evaluation-public-notice")

    # ---- the branch's secretary ----
    page = new_page()
    login(page, "secretary")
    panel = page.get_by_test_id("branch-results-panel")
    assert "第一批中期评估" in panel.inner_text() and "88.57" in panel.inner_text()
    panel.get_by_role("link", name="查看详情").click()
    assert page.get_by_test_id("branch-grade").inner_text() == "良好"
    assert "第 1 名" in page.get_by_test_id("branch-rank").inner_text()
    profile = page.get_by_test_id("branch-profile").inner_text()
    assert "教育党员有力" in profile and "王评审" not in page.content()
    screenshot(page, "evaluation-branch-result")

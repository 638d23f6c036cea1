"""The cultivation pages: who may do what, refusals shown in Chinese, stale forms, constant queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import Event
from cultivation.enums import ProjectState
from cultivation.models import Batch, FeaturedActivity, Project, UnitQuota, WindowExtension
from tests.factories import BranchFactory, ProjectFactory, batch_windows

from .helpers import batch_in

pytestmark = pytest.mark.django_db


def in_state(branch, state, batch):
    project = ProjectFactory(organization=branch, batch=batch)
    Project.objects.filter(pk=project.pk).update(state=state)
    project.refresh_from_db()
    return project


def flashed(response):
    return " ".join(str(m) for m in response.context["messages"])


def test_staff_create_a_batch_and_bad_windows_come_back_in_chinese(tree, client):
    client.force_login(tree.staff)
    windows = {key: value.isoformat() for key, value in batch_windows(datetime.date(2030, 6, 1)).items()}
    data = {"name": "第五批“样板党支部”培育工程", "kind": "model_branch", "level": "school", "year": 2030,
            "quota_total": 15, "quota_faculty": 10, "quota_student": 5, "cultivation_months": 18,
            "notice_working_days": 5, "nomination_deadline": "2030-06-20", "report_every_months": 1,
            "report_due_day": 25, **windows}
    bad = {**data, "recognition_start": "2030-06-10", "quota_faculty": 12}
    response = client.post(reverse("cultivation:batch_create"), bad)
    page = response.content.decode()
    assert response.status_code == 200 and "不能早于上一阶段结束" in page and "名额之和不能超过总名额" in page
    assert not Batch.objects.exists()
    response = client.post(reverse("cultivation:batch_create"), data)
    batch = Batch.objects.get()
    assert response.url == reverse("cultivation:batch_detail", args=[batch.pk])
    assert Event.objects.filter(action="batch.created").exists()
    client.post(reverse("cultivation:batch_edit", args=[batch.pk]), {**data, "quota_total": 16})
    batch.refresh_from_db()
    assert batch.quota_total == 16 and Event.objects.get(action="batch.updated").data == {"培育名额（总数）": ["15", "16"]}


def test_the_batch_page_shows_timeline_phase_and_progress(tree, client):
    batch = batch_in("cultivation")
    client.force_login(tree.secretary)
    page = client.get(reverse("cultivation:batch_detail", args=[batch.pk])).content.decode()
    assert "当前阶段：<strong>培育</strong>" in page
    assert f'data-width="{batch.progress_percent(timezone.localdate())}"' in page
    assert "style=" not in page and "<script>" not in page


def test_no_date_breaks_inside_a_phase_card(tree, client):
    # "2026-12-\n31" on a narrow phase card (issue 24, item 17): every date of the timeline is kept whole.
    import re

    batch = batch_in("cultivation")
    client.force_login(tree.secretary)
    page = client.get(reverse("cultivation:batch_detail", args=[batch.pk])).content.decode()
    timeline = page.split('data-testid="timeline"')[1].split("</ol>")[0]
    dates = re.findall(r"\d{4}-\d{2}-\d{2}", timeline)
    assert len(dates) == 10
    assert len(re.findall(r'<span class="text-nowrap">\d{4}-\d{2}-\d{2}</span>', timeline)) == 10


def test_withdrawing_an_application_is_a_quiet_button_beside_submitting_it(tree, client):
    # 提交申报 and 撤回申报 were identical red buttons (issue 24, item 17).
    import re

    tree.branch_a1.declares_no_violation = tree.branch_a1.declares_no_conduct_issue = True
    tree.branch_a1.declares_no_safety_risk = True
    tree.branch_a1.save()
    project = ProjectFactory(organization=tree.branch_a1, batch=batch_in("selection"))
    client.force_login(tree.secretary)
    page = client.get(reverse("cultivation:project_detail", args=[project.pk])).content.decode()
    buttons = dict((label, cls) for cls, label in re.findall(r'<button type="submit" class="btn btn-sm ([^"]+)"[^>]*>(提交申报|撤回申报)</button>', page))
    assert buttons == {"提交申报": "btn-party", "撤回申报": "btn-outline-secondary"}


def test_quotas_are_set_shown_and_enforced_when_forwarding(tree, client):
    batch = batch_in("selection")
    client.force_login(tree.staff)
    client.post(reverse("cultivation:batch_quota", args=[batch.pk]), {"unit": tree.unit_a.pk, "quota": 1})
    assert UnitQuota.objects.get(batch=batch).quota == 1
    response = client.post(reverse("cultivation:batch_quota", args=[batch.pk]), {"unit": tree.branch_a1.pk, "quota": 1},
                           follow=True)
    assert "二级党组织" in flashed(response)
    first, second = (in_state(branch, ProjectState.SUBMITTED, batch) for branch in (tree.branch_a1, tree.branch_a2))
    client.force_login(tree.unit_staff)
    page = client.get(reverse("cultivation:nominations", args=[batch.pk])).content.decode()
    assert "甲学院党委" in page and "推荐名额" in page
    nominate = {"rank": 1, "recommendation": "同意推荐", "nominate": "1"}
    client.post(reverse("cultivation:project_recommend", args=[first.pk]), {"version": first.version, **nominate})
    response = client.post(reverse("cultivation:project_recommend", args=[second.pk]),
                           {"version": second.version, **nominate, "rank": 2}, follow=True)
    assert "推荐名额为 1 个" in flashed(response)
    # The refusal names the nomination that took the place, with a link to it.
    assert f'<a href="/cultivation/projects/{first.pk}/">甲一党支部</a>' in response.content.decode()
    assert Project.objects.get(pk=second.pk).state == ProjectState.SUBMITTED


def test_a_stale_form_is_refused_and_changes_nothing(tree, client):
    batch = batch_in("selection")
    project = in_state(tree.branch_a1, ProjectState.SUBMITTED, batch)
    client.force_login(tree.unit_staff)
    client.post(reverse("cultivation:project_recommend", args=[project.pk]),
                {"version": project.version, "rank": 1, "recommendation": "同意"})
    response = client.post(reverse("cultivation:project_move", args=[project.pk, "nominate"]),
                           {"version": project.version}, follow=True)  # the page before the recommendation
    assert "已被他人更新" in flashed(response)
    assert Project.objects.get(pk=project.pk).state == ProjectState.SUBMITTED


@pytest.mark.parametrize(("state", "name", "user", "message"), [
    (ProjectState.DRAFT, "nominate", "unit_staff", "当前状态为“草稿”"),
    (ProjectState.SUBMITTED, "return_application", "unit_staff", "须填写原因"),
    (ProjectState.ACCEPTED, "fail", "staff", "当前状态为“通过验收”"),
    (ProjectState.RECOGNIZED, "submit_midterm", "secretary", "中期评估阶段尚未开始"),
])
def test_an_illegal_move_through_the_page_is_explained_and_changes_nothing(tree, client, state, name, user, message):
    project = in_state(tree.branch_a1, state, batch_in("selection"))
    client.force_login(getattr(tree, user))
    response = client.post(reverse("cultivation:project_move", args=[project.pk, name]),
                           {"version": project.version}, follow=True)
    assert message in flashed(response)
    assert Project.objects.get(pk=project.pk).state == state


def test_a_move_by_someone_without_the_role_is_forbidden_and_by_an_outsider_not_found(tree, client):
    project = in_state(tree.branch_a1, ProjectState.SUBMITTED, batch_in("selection"))
    url = reverse("cultivation:project_move", args=[project.pk, "nominate"])
    client.force_login(tree.secretary)
    assert client.post(url, {"version": project.version}).status_code == 403
    client.force_login(tree.other_unit_staff)
    assert client.post(url, {"version": project.version}).status_code == 404
    client.force_login(tree.staff)
    assert client.post(reverse("cultivation:project_move", args=[project.pk, "nonsense"]), {}).status_code == 404
    assert Project.objects.get(pk=project.pk).state == ProjectState.SUBMITTED


def test_the_detail_page_offers_only_the_users_moves(tree, client):
    project = in_state(tree.branch_a1, ProjectState.SUBMITTED, batch_in("selection"))
    client.force_login(tree.secretary)
    page = client.get(reverse("cultivation:project_detail", args=[project.pk])).content.decode()
    assert "撤回申报" in page and "推荐报送" not in page
    client.force_login(tree.unit_staff)
    page = client.get(reverse("cultivation:project_detail", args=[project.pk])).content.decode()
    assert "推荐报送" in page and "撤回申报" not in page and "为本项目延长时限" not in page


def test_staff_extend_a_window_for_one_project_with_a_reason(tree, client):
    batch = batch_in("recognition")
    project = in_state(tree.branch_a1, ProjectState.DRAFT, batch)
    client.force_login(tree.staff)
    url = reverse("cultivation:project_extend", args=[project.pk])
    response = client.post(url, {"phase": "selection", "until": timezone.localdate().isoformat(), "reason": ""},
                           follow=True)
    assert "原因" in flashed(response) and not WindowExtension.objects.exists()
    client.post(url, {"phase": "selection", "until": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
                      "reason": "支部书记因公出国"})
    client.force_login(tree.secretary)
    response = client.post(reverse("cultivation:project_move", args=[project.pk, "submit"]),
                           {"version": Project.objects.get(pk=project.pk).version}, follow=True)
    assert Project.objects.get(pk=project.pk).state == ProjectState.SUBMITTED, flashed(response)


def test_the_secretary_edits_a_draft_with_its_activities_and_not_after_submitting(tree, client):
    batch = batch_in("selection")
    project = in_state(tree.branch_a1, ProjectState.DRAFT, batch)
    client.force_login(tree.secretary)
    data = {"version": project.version, "title": "新主题", "concept": "立意", "practice": "做法", "experience": "经验",
            "plan": "思路", "activities-TOTAL_FORMS": "2", "activities-INITIAL_FORMS": "0",
            "activities-MIN_NUM_FORMS": "1", "activities-MAX_NUM_FORMS": "2",
            "activities-0-name": "甲", "activities-0-description": "a", "activities-0-planned_budget": "100",
            "activities-1-name": "乙", "activities-1-description": "b", "activities-1-planned_budget": "200"}
    client.post(reverse("cultivation:project_edit", args=[project.pk]), data)
    assert list(FeaturedActivity.objects.filter(project=project).values_list("name", flat=True)) == ["甲", "乙"]
    response = client.post(reverse("cultivation:project_edit", args=[project.pk]), data, follow=True)
    assert "已在别处被修改" in flashed(response)
    Project.objects.filter(pk=project.pk).update(state=ProjectState.SUBMITTED)
    response = client.get(reverse("cultivation:project_edit", args=[project.pk]), follow=True)
    assert "不能再修改" in flashed(response)


def test_an_application_needs_one_or_two_activities(tree, client):
    batch = batch_in("selection")
    client.force_login(tree.secretary)
    response = client.post(reverse("cultivation:project_start", args=[batch.pk]), {
        "organization": tree.branch_a1.pk, "title": "t", "concept": "c", "practice": "p", "experience": "e",
        "plan": "p", "activities-TOTAL_FORMS": "1", "activities-INITIAL_FORMS": "0", "activities-MIN_NUM_FORMS": "1",
        "activities-MAX_NUM_FORMS": "2", "activities-0-name": "", "activities-0-description": "",
        "activities-0-planned_budget": ""})
    assert response.status_code == 200 and not Project.objects.exists()


def test_the_secretary_cannot_start_outside_the_selection_window(tree, client):
    batch = batch_in("recognition")
    client.force_login(tree.secretary)
    response = client.get(reverse("cultivation:project_start", args=[batch.pk]), follow=True)
    assert "现在不能新建申报" in flashed(response)


def test_the_home_page_shows_each_role_its_panel(tree, client):
    batch = batch_in("selection")
    in_state(tree.branch_a1, ProjectState.SUBMITTED, batch)
    client.force_login(tree.unit_staff)
    page = client.get("/").content.decode()
    assert "待推荐的申报（1）" in page
    client.force_login(tree.secretary)
    assert "我的培育申报" in client.get("/").content.decode()
    client.force_login(tree.staff)
    assert batch.name in client.get("/").content.decode()


def many_projects(tree, count):
    batch = batch_in("recognition")
    for n in range(count):
        branch = BranchFactory(parent=tree.unit_a if n % 2 else tree.unit_b)
        in_state(branch, ProjectState.NOMINATED, batch)
    return batch


@pytest.mark.parametrize("count", [1, 5])
def test_lists_cost_the_same_queries_at_any_size(tree, client, django_assert_num_queries, count):
    batch = many_projects(tree, count)
    client.force_login(tree.staff)
    client.get("/")  # warm the session and content types
    # session, user, role assignments, the navbar's unread count; count + page; the filter's choices
    # (batches, units)
    with django_assert_num_queries(8):
        assert client.get(reverse("cultivation:project_list")).status_code == 200
    # Both selection pages add one query: the branches' projects in other batches (defect 9).
    # Screening also reads the batch's running 拟认定公示, to say until when 确定为培育对象 waits.
    with django_assert_num_queries(11):  # + the batch, the unit choices, the quota use, other batches, the notices
        assert client.get(reverse("cultivation:screening", args=[batch.pk])).status_code == 200
    with django_assert_num_queries(10):  # + the batch, the quotas and their use, other batches
        assert client.get(reverse("cultivation:nominations", args=[batch.pk])).status_code == 200
    with django_assert_num_queries(6):
        assert client.get(reverse("cultivation:batch_list")).status_code == 200


def test_lists_show_only_what_the_user_may_see(tree, client):
    batch = batch_in("selection")
    own = in_state(tree.branch_a1, ProjectState.SUBMITTED, batch)
    foreign = in_state(tree.branch_b1, ProjectState.SUBMITTED, batch)
    for user, sees, hidden in [(tree.secretary, own, foreign), (tree.unit_staff, own, foreign),
                               (tree.other_unit_staff, foreign, own)]:
        client.force_login(user)
        page = client.get(reverse("cultivation:project_list")).content.decode()
        assert sees.organization.name in page and hidden.organization.name not in page
    client.force_login(tree.reviewer)
    page = client.get(reverse("cultivation:project_list")).content.decode()
    assert own.organization.name not in page and foreign.organization.name not in page


def test_the_project_history_has_its_own_tab_out_of_the_materials(tree, client):
    from branches.audit import log_event

    project = in_state(tree.branch_a1, ProjectState.SUBMITTED, batch_in("selection"))
    log_event(actor=tree.secretary, action="project.submit", target=project, data={"from": "draft"})
    client.force_login(tree.staff)
    page = client.get(reverse("cultivation:project_detail", args=[project.pk])).content.decode()
    materials, history = page.split('id="project-history"', 1)
    materials = materials.split('id="project-main"', 1)[1]
    assert 'data-bs-target="#project-history"' in page and "办理记录 <span" in page
    assert "<th>操作人</th>" in history and "<th>操作人</th>" not in materials
    assert "申报书" in materials

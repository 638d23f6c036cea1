"""A notice lists only projects that fit its kind; a wrong one is withdrawn or corrected, never deleted."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.enums import OrgKind, Role
from branches.models import Event
from cultivation import notices
from cultivation.enums import ProjectState
from cultivation.models import Notice, NoticeItem, NoticeRevision, Objection, Project
from cultivation.views.common import refusal_message
from cultivation.workflow import MoveRefused
from tests.factories import BranchFactory, OrganizationFactory, ProjectFactory, user_with_role

from .helpers import answered, batch_in

pytestmark = pytest.mark.django_db


def in_state(branch, batch, state, **fields):
    project = ProjectFactory(organization=branch, batch=batch)
    Project.objects.filter(pk=project.pk).update(state=state, **fields)
    project.refresh_from_db()
    return project


def publish(actor, batch, kind, projects, starts_on=None):
    return notices.notice_publish(batch=batch, kind=kind, title="公示", body="现予公示",
                                  starts_on=starts_on or timezone.localdate(),
                                  items=[(project, "") for project in projects], actor=actor)


def recognition_notice(tree, branches=None):
    batch = batch_in("recognition")
    projects = [in_state(branch, batch, ProjectState.SHORTLISTED) for branch in branches or [tree.branch_a1]]
    return publish(tree.staff, batch, "recognition", projects), projects


# ---- a notice's items match its kind ----------------------------------------------------------

def test_an_acceptance_notice_refuses_a_project_never_accepted_naming_it_with_a_link(tree):
    batch = batch_in("harvest")
    accepted = in_state(tree.branch_a1, batch, ProjectState.ACCEPTED, final_grade="good")
    rectifying = in_state(tree.branch_b1, batch, ProjectState.RECTIFYING, midterm_grade="good")
    with pytest.raises(MoveRefused) as refused:
        publish(tree.staff, batch, "acceptance", [accepted, rectifying])
    message = str(refusal_message(refused.value))
    assert f'<a href="/cultivation/projects/{rectifying.pk}/">{tree.branch_b1.name}</a>' in message
    assert "尚无验收结果" in message and tree.branch_a1.name not in message
    assert not Notice.objects.exists() and not Event.objects.filter(action="notice.published").exists()


def test_every_offending_project_is_named(tree):
    batch = batch_in("midterm")
    recognized = in_state(tree.branch_a1, batch, ProjectState.RECOGNIZED)
    submitted = in_state(tree.branch_b1, batch, ProjectState.MIDTERM_SUBMITTED)
    with pytest.raises(MoveRefused) as refused:
        publish(tree.staff, batch, "midterm", [recognized, submitted])
    assert tree.branch_a1.name in refused.value.text and tree.branch_b1.name in refused.value.text


def test_a_results_notice_says_each_projects_grade(tree):
    batch = batch_in("harvest")
    failed = in_state(tree.branch_a1, batch, ProjectState.FAILED, final_grade="fail")
    midterm = in_state(tree.branch_b1, batch, ProjectState.RECTIFYING, midterm_grade="excellent")
    notice = publish(tree.staff, batch, "acceptance", [failed])
    assert notice.items.get().note == "验收等次：不合格"
    notice = publish(tree.staff, batch, "midterm", [midterm])
    assert notice.items.get().note == "中期评估：优秀"


def test_a_recognition_notice_takes_only_shortlisted_projects(tree):
    batch = batch_in("recognition")
    nominated = in_state(tree.branch_a1, batch, ProjectState.NOMINATED)
    with pytest.raises(MoveRefused, match="未列入拟认定名单"):
        publish(tree.staff, batch, "recognition", [nominated])


def test_the_form_offers_only_projects_with_the_decision(tree, client):
    batch = batch_in("harvest")
    in_state(tree.branch_a1, batch, ProjectState.ACCEPTED, final_grade="good")
    in_state(tree.branch_b1, batch, ProjectState.RECTIFYING, midterm_grade="good")
    client.force_login(tree.staff)
    page = client.get(reverse("cultivation:notice_create", args=[batch.pk]), {"kind": "acceptance"})
    choices = [label for _, label in page.context["form"].fields["projects"].choices]
    assert any(tree.branch_a1.name in str(label) for label in choices)
    assert not any(tree.branch_b1.name in str(label) for label in choices)


# ---- withdraw -------------------------------------------------------------------------------

def test_staff_withdraw_a_notice_with_a_reason_and_the_public_page_says_so(tree, client):
    notice, _ = recognition_notice(tree)
    client.force_login(tree.staff)
    response = client.post(reverse("cultivation:notice_withdraw", args=[notice.pk]),
                           {"reason": "名单中有未经推荐的支部"}, follow=True)
    assert "公示已撤销" in response.content.decode()
    notice.refresh_from_db()
    assert notice.withdrawn_at is not None and notice.withdrawal_reason == "名单中有未经推荐的支部"
    assert NoticeItem.objects.filter(notice=notice).count() == 1  # nothing deleted
    revision = NoticeRevision.objects.get(notice=notice)
    assert revision.kind == "withdrawal" and revision.created_by == tree.staff
    event = Event.objects.get(action="notice.withdrawn")
    assert event.actor == tree.staff and event.data["理由"] == "名单中有未经推荐的支部"
    assert tree.secretary.notifications.filter(title__startswith="公示已撤销").exists()
    client.logout()
    day = timezone.localdate().strftime("%Y年%-m月%-d日")
    detail = client.get(reverse("public:notice_detail", args=[notice.pk])).content.decode()
    assert f"已撤销（{day}）</strong>：名单中有未经推荐的支部" in detail
    assert "提交异议" not in detail and tree.branch_a1.name in detail  # still readable
    listing = client.get(reverse("public:notice_list")).content.decode()
    assert f"已撤销（{day}）：名单中有未经推荐的支部" in listing


def test_a_withdrawn_notice_takes_no_objection(tree, client):
    notice, _ = recognition_notice(tree)
    notices.notice_withdraw(notice=notice, reason="有误", actor=tree.staff)
    response = client.post(reverse("public:objection_lodge", args=[notice.pk]),
                           answered({"name": "李四", "contact": "138", "content": "请核实"}))
    assert response.status_code == 400 and "已撤销" in response.content.decode()
    assert not Objection.objects.exists()


def test_a_withdrawn_notice_no_longer_precedes_recognition(tree):
    notice, (project,) = recognition_notice(tree)
    today = timezone.localdate()
    Notice.objects.filter(pk=notice.pk).update(starts_on=today - datetime.timedelta(days=9),
                                               ends_on=today - datetime.timedelta(days=2))
    notices.notice_withdraw(notice=notice, reason="有误", actor=tree.staff)
    from cultivation.workflow import project_recognize

    with pytest.raises(MoveRefused, match="须先发布拟认定公示"):
        project_recognize(project=project, actor=tree.staff)
    assert Project.objects.get(pk=project.pk).state == ProjectState.SHORTLISTED


def test_a_withdrawal_needs_a_reason_and_happens_once(tree):
    notice, _ = recognition_notice(tree)
    with pytest.raises(MoveRefused, match="须填写理由"):
        notices.notice_withdraw(notice=notice, reason="  ", actor=tree.staff)
    notices.notice_withdraw(notice=notice, reason="有误", actor=tree.staff)
    with pytest.raises(MoveRefused, match="已于.*撤销"):
        notices.notice_withdraw(notice=notice, reason="再撤", actor=tree.staff)
    with pytest.raises(MoveRefused, match="已于.*撤销"):
        notices.notice_correct(notice=notice, reason="改", actor=tree.staff, title="新", body="新")
    assert NoticeRevision.objects.count() == 1


# ---- correct --------------------------------------------------------------------------------

def test_staff_correct_a_notice_and_the_original_stays_readable(tree, client):
    notice, (kept, wrong) = recognition_notice(tree, [tree.branch_a1, tree.branch_b1])
    wrong_item = notice.items.get(project=wrong)
    client.force_login(tree.staff)
    assert client.get(reverse("cultivation:notice_correct", args=[notice.pk])).status_code == 200
    response = client.post(reverse("cultivation:notice_correct", args=[notice.pk]), {
        "title": "拟认定公示（更正）", "body": "现予公示", "remove": [wrong_item.pk], "reason": "乙一党支部未经推荐"},
        follow=True)
    assert "公示已更正" in response.content.decode()
    notice.refresh_from_db()
    assert notice.title == "拟认定公示（更正）" and notice.correction_reason == "乙一党支部未经推荐"
    wrong_item.refresh_from_db()
    assert wrong_item.removed_in is not None  # kept, marked
    revision = NoticeRevision.objects.get(notice=notice)
    assert revision.previous["title"] == "公示" and len(revision.previous["items"]) == 2
    event = Event.objects.get(action="notice.corrected")
    assert event.actor == tree.staff and event.data["移除对象"] == tree.branch_b1.name
    assert tree.other_secretary.notifications.filter(title__startswith="公示已更正").exists()
    client.logout()
    day = timezone.localdate().strftime("%Y年%-m月%-d日")
    page = client.get(reverse("public:notice_detail", args=[notice.pk]))
    text = page.content.decode()
    assert f"已更正（{day}）</strong>：乙一党支部未经推荐" in text
    assert [item.project for item in page.context["items"]] == [kept]
    assert "移除公示对象：" + tree.branch_b1.name in text and "查看更正前的公示原文" in text
    assert "提交异议" in text  # a corrected notice still runs
    listing = client.get(reverse("public:notice_list")).content.decode()
    assert f"已更正（{day}）：乙一党支部未经推荐" in listing


def test_a_project_removed_by_correction_is_no_longer_preceded_by_the_notice(tree):
    notice, (kept, removed) = recognition_notice(tree, [tree.branch_a1, tree.branch_b1])
    notices.notice_correct(notice=notice, reason="有误", actor=tree.staff, title="公示", body="现予公示",
                           remove=[notice.items.get(project=removed)])
    today = timezone.localdate()
    Notice.objects.filter(pk=notice.pk).update(starts_on=today - datetime.timedelta(days=9),
                                               ends_on=today - datetime.timedelta(days=2))
    from cultivation.workflow import project_recognize

    with pytest.raises(MoveRefused, match="须先发布拟认定公示"):
        project_recognize(project=removed, actor=tree.staff)
    project_recognize(project=kept, actor=tree.staff)


def test_a_correction_must_change_something_and_keep_an_item(tree):
    notice, _ = recognition_notice(tree)
    with pytest.raises(MoveRefused, match="与原公示相同"):
        notices.notice_correct(notice=notice, reason="改", actor=tree.staff, title="公示", body="现予公示")
    with pytest.raises(MoveRefused, match="不能为空"):
        notices.notice_correct(notice=notice, reason="改", actor=tree.staff, title="公示", body="现予公示",
                               remove=list(notice.items.all()))
    with pytest.raises(MoveRefused, match="须填写理由"):
        notices.notice_correct(notice=notice, reason="", actor=tree.staff, title="新标题", body="现予公示")
    assert not NoticeRevision.objects.exists() and not Event.objects.filter(action="notice.corrected").exists()


# ---- who may ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["unit_staff", "secretary", "reviewer"])
def test_withdraw_and_correct_are_refused_to_other_roles(tree, client, role):
    notice, _ = recognition_notice(tree)
    user = getattr(tree, role)
    with pytest.raises(MoveRefused, match="只有党委组织部"):
        notices.notice_withdraw(notice=notice, reason="有误", actor=user)
    with pytest.raises(MoveRefused, match="只有党委组织部"):
        notices.notice_correct(notice=notice, reason="有误", actor=user, title="新", body="新")
    client.force_login(user)
    assert client.post(reverse("cultivation:notice_withdraw", args=[notice.pk]), {"reason": "有误"}).status_code == 403
    assert client.post(reverse("cultivation:notice_correct", args=[notice.pk]),
                       {"title": "新", "body": "新", "reason": "有误"}).status_code == 403
    notice.refresh_from_db()
    assert notice.withdrawn_at is None and notice.corrected_at is None and notice.title == "公示"


def test_staff_of_another_school_cannot_reach_the_notice(tree, client):
    other_school = OrganizationFactory(kind=OrgKind.SCHOOL, name="另一大学党委")
    other_unit = OrganizationFactory(name="丙学院党委", parent=other_school)
    other_branch = BranchFactory(name="丙一党支部", parent=other_unit)
    other_staff = user_with_role(Role.ORG_STAFF, other_school, username="other_staff")
    batch = batch_in("recognition", owner=other_school)
    notice = publish(other_staff, batch, "recognition", [in_state(other_branch, batch, ProjectState.SHORTLISTED)])
    with pytest.raises(MoveRefused, match="无权撤销"):
        notices.notice_withdraw(notice=notice, reason="有误", actor=tree.staff)
    with pytest.raises(MoveRefused, match="无权更正"):
        notices.notice_correct(notice=notice, reason="有误", actor=tree.staff, title="新", body="新")
    client.force_login(tree.staff)
    assert client.get(reverse("cultivation:notice_detail", args=[notice.pk])).status_code == 404
    assert client.get(reverse("cultivation:notice_correct", args=[notice.pk])).status_code == 404
    assert client.post(reverse("cultivation:notice_withdraw", args=[notice.pk]), {"reason": "有误"}).status_code == 404
    notice.refresh_from_db()
    assert notice.withdrawn_at is None and not NoticeRevision.objects.exists()


def test_the_admin_shows_the_history_read_only(tree, client_for):
    notice, _ = recognition_notice(tree)
    notices.notice_correct(notice=notice, reason="标题有误", actor=tree.staff, title="新标题", body="现予公示")
    notices.notice_withdraw(notice=notice, reason="整份有误", actor=tree.staff)
    tree.staff.is_staff = tree.staff.is_superuser = True
    tree.staff.save()
    page = client_for(tree.staff).get(reverse("admin:cultivation_notice_change", args=[notice.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "标题有误" in text and "整份有误" in text

"""Notices open and close by their dates in working days; objections need a real name and contact."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import Event
from cultivation import notices
from cultivation.enums import ProjectState
from cultivation.models import Holiday, Notice, Objection, Project
from cultivation.workflow import MoveRefused
from tests.factories import ProjectFactory

from .helpers import answered, batch_in

pytestmark = pytest.mark.django_db

# A week with no official holiday in it (the official calendar counts; see test_holidays.py).
MONDAY = datetime.date(2026, 11, 9)


def shortlisted(tree, branch=None, batch=None):
    project = ProjectFactory(organization=branch or tree.branch_a1, batch=batch or batch_in("recognition"))
    Project.objects.filter(pk=project.pk).update(state=ProjectState.SHORTLISTED)
    project.refresh_from_db()
    return project


def publish(tree, project, starts_on=None, **kwargs):
    return notices.notice_publish(batch=project.batch, kind="recognition", title="拟认定公示", body="现予公示",
                                  starts_on=starts_on or timezone.localdate(), items=[(project, "")],
                                  actor=tree.staff, **kwargs)


def test_five_working_days_skip_the_weekend():
    assert notices.notice_end(MONDAY - datetime.timedelta(days=3), 5) == datetime.date(2026, 11, 12)  # Fri → Thu


def test_holidays_are_skipped_and_make_up_days_count(db):
    Holiday.objects.bulk_create([Holiday(date=datetime.date(2026, 10, day), name="国庆节") for day in range(1, 8)])
    # Mon 28 Sep, Tue 29, Wed 30, then the National Day week off, then Thu 8 Oct and Fri 9 Oct.
    assert notices.notice_end(datetime.date(2026, 9, 28), 5) == datetime.date(2026, 10, 9)
    Holiday.objects.create(date=datetime.date(2026, 10, 10), name="国庆调休", is_workday=True)
    assert notices.notice_end(datetime.date(2026, 9, 28), 6) == datetime.date(2026, 10, 10)


def test_a_notice_is_public_from_its_first_day_to_its_last_only(tree, client):
    project = shortlisted(tree)
    today = timezone.localdate()
    notice = publish(tree, project, starts_on=today + datetime.timedelta(days=1))
    assert client.get(reverse("public:notice_detail", args=[notice.pk])).status_code == 404
    assert notice.title not in client.get(reverse("public:notice_list")).content.decode()
    Notice.objects.filter(pk=notice.pk).update(starts_on=today, ends_on=today)
    page = client.get(reverse("public:notice_detail", args=[notice.pk])).content.decode()
    assert "公示中" in page and "提交异议" in page
    Notice.objects.filter(pk=notice.pk).update(starts_on=today - datetime.timedelta(days=8),
                                               ends_on=today - datetime.timedelta(days=1))
    page = client.get(reverse("public:notice_detail", args=[notice.pk])).content.decode()
    assert "公示已结束" in page and "提交异议" not in page
    response = client.post(reverse("public:objection_lodge", args=[notice.pk]),
                           answered({"name": "李四", "contact": "138", "content": "晚了"}))
    assert response.status_code == 400 and "不再受理异议" in response.content.decode()
    assert not Objection.objects.exists()


def test_the_end_date_is_computed_from_the_batch_notice_period(tree):
    project = shortlisted(tree)
    notice = publish(tree, project, starts_on=MONDAY, today=MONDAY)
    assert notice.ends_on == datetime.date(2026, 11, 13)  # 5 working days, Mon–Fri


@pytest.mark.parametrize("missing", ["name", "contact", "content"])
def test_an_objection_without_name_contact_or_content_is_refused(tree, client, missing):
    notice = publish(tree, shortlisted(tree))
    data = {"name": "李四", "contact": "13800000000", "content": "请核实", missing: "  "}
    response = client.post(reverse("public:objection_lodge", args=[notice.pk]), answered(data))
    assert response.status_code == 400
    assert {"name": "请填写真实姓名", "contact": "请填写联系方式", "content": "请填写异议内容"}[missing] in \
        response.content.decode()
    assert not Objection.objects.exists()
    with pytest.raises(MoveRefused, match="实名"):
        notices.objection_lodge(notice=notice, **{**data, "item": None})


def test_an_objection_is_logged_and_staff_are_told(tree, client):
    notice = publish(tree, shortlisted(tree))
    client.post(reverse("public:objection_lodge", args=[notice.pk]),
                answered({"item": notice.items.get().pk, "name": "李四", "contact": "138", "content": "请核实"}))
    assert Objection.objects.get().source == "127.0.0.1"
    assert Event.objects.filter(action="objection.lodged").count() == 1
    assert tree.staff.notifications.filter(title__contains="公示收到异议").exists()


def test_an_objection_needs_a_csrf_token(tree):
    from django.test import Client

    notice = publish(tree, shortlisted(tree))
    response = Client(enforce_csrf_checks=True).post(reverse("public:objection_lodge", args=[notice.pk]),
                                                     answered({"name": "李四", "contact": "138", "content": "x"}))
    assert response.status_code == 403 and not Objection.objects.exists()


def test_an_objection_is_answered_once_and_the_branch_hears_the_outcome_not_the_name(tree):
    notice = publish(tree, shortlisted(tree))
    objection = notices.objection_lodge(notice=notice, item=notice.items.get(), name="李四", contact="138",
                                        content="请核实")
    with pytest.raises(MoveRefused, match="请填写处理情况"):
        notices.objection_answer(objection=objection, outcome="dismissed", response=" ", actor=tree.staff)
    with pytest.raises(MoveRefused, match="只有党委组织部"):
        notices.objection_answer(objection=objection, outcome="dismissed", response="不属实", actor=tree.unit_staff)
    notices.objection_answer(objection=objection, outcome="dismissed", response="经核实不属实", actor=tree.staff)
    with pytest.raises(MoveRefused, match="已处理"):
        notices.objection_answer(objection=objection, outcome="upheld", response="改判", actor=tree.staff)
    note = tree.secretary.notifications.get(title__contains="异议已处理")
    assert "经核实不属实" in note.body and "李四" not in note.body + note.title


def test_recognition_is_refused_through_the_page_while_an_objection_is_unanswered(tree, client):
    project = shortlisted(tree)
    notice = publish(tree, project)
    notices.objection_lodge(notice=notice, item=notice.items.get(), name="李四", contact="138", content="请核实")
    today = timezone.localdate()
    Notice.objects.filter(pk=notice.pk).update(starts_on=today - datetime.timedelta(days=9),
                                               ends_on=today - datetime.timedelta(days=2))
    client.force_login(tree.staff)
    response = client.post(reverse("cultivation:project_move", args=[project.pk, "recognize"]),
                           {"version": project.version}, follow=True)
    assert "异议尚未全部处理" in response.content.decode()
    assert Project.objects.get(pk=project.pk).state == ProjectState.SHORTLISTED


def test_publishing_checks_states_batch_dates_and_role(tree):
    project = shortlisted(tree)
    draft = ProjectFactory(organization=tree.branch_b1, batch=project.batch)
    with pytest.raises(MoveRefused, match="不能列入拟认定培育对象公示"):
        notices.notice_publish(batch=project.batch, kind="recognition", title="t", body="b",
                               starts_on=timezone.localdate(), items=[(draft, "")], actor=tree.staff)
    with pytest.raises(MoveRefused, match="不能早于今天"):
        publish(tree, project, starts_on=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(MoveRefused, match="只有党委组织部"):
        notices.notice_publish(batch=project.batch, kind="recognition", title="t", body="b",
                               starts_on=timezone.localdate(), items=[(project, "")], actor=tree.unit_staff)
    other = batch_in("recognition")
    with pytest.raises(MoveRefused, match="不属于"):
        notices.notice_publish(batch=other, kind="recognition", title="t", body="b",
                               starts_on=timezone.localdate(), items=[(project, "")], actor=tree.staff)
    assert not Notice.objects.exists()


def test_publishing_tells_each_branch_and_its_unit(tree):
    publish(tree, shortlisted(tree))
    assert tree.secretary.notifications.filter(title__startswith="公示：").exists()
    assert tree.unit_staff.notifications.filter(title__startswith="公示：").exists()
    assert not tree.other_secretary.notifications.exists()


@pytest.mark.parametrize("count", [1, 4])
def test_the_public_list_costs_the_same_queries_at_any_size(tree, client, django_assert_num_queries, count):
    batch = batch_in("recognition")
    branches = [tree.branch_a1, tree.branch_a2, tree.branch_b1, tree.direct]
    for branch in branches[:count]:
        publish(tree, shortlisted(tree, branch, batch))
    with django_assert_num_queries(2):
        assert client.get(reverse("public:notice_list")).status_code == 200


def test_recognition_waiting_on_a_notice_says_its_last_day_and_working_days_left(tree, client):
    """The refusal and every place the 确定为培育对象 button would be name the day the 公示 ends."""
    project = shortlisted(tree)
    notice = publish(tree, project)
    # Starting today, the whole period is ahead: every one of its working days is left.
    waiting = f"拟认定公示期至{notice.ends_on:%Y年%m月%d日}，还有{project.batch.notice_working_days}个工作日"
    recognize = reverse("cultivation:project_move", args=[project.pk, "recognize"])
    client.force_login(tree.staff)
    response = client.post(recognize, {"version": project.version}, follow=True)
    assert waiting in response.content.decode()
    assert Project.objects.get(pk=project.pk).state == ProjectState.SHORTLISTED
    for page in [reverse("cultivation:project_detail", args=[project.pk]),
                 reverse("cultivation:screening", args=[project.batch.pk])]:
        content = client.get(page).content.decode()
        assert waiting in content and recognize not in content, page
    for page in [reverse("cultivation:notice_detail", args=[notice.pk]),
                 reverse("cultivation:batch_detail", args=[project.batch.pk])]:
        assert waiting in client.get(page).content.decode(), page

    today = timezone.localdate()
    Notice.objects.filter(pk=notice.pk).update(starts_on=today - datetime.timedelta(days=9),
                                               ends_on=today - datetime.timedelta(days=1))
    assert recognize in client.get(reverse("cultivation:screening", args=[project.batch.pk])).content.decode()
    assert 'data-testid="recognition-ready"' in client.get(
        reverse("cultivation:notice_detail", args=[notice.pk])).content.decode()
    client.post(recognize, {"version": project.version})
    assert Project.objects.get(pk=project.pk).state == ProjectState.RECOGNIZED

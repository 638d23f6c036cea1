"""The public objection form: a local 验证题, limits per person and per address, gathered notifications."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import Event
from cultivation import challenge, notices
from cultivation.enums import ProjectState
from cultivation.models import Objection, Project
from notifications.models import Notification, OutboundEmail
from cultivation.workflow import MoveRefused
from tests.factories import ProjectFactory

from .helpers import answered, batch_in

pytestmark = pytest.mark.django_db

OFFICE = "10.8.0.1"  # one campus NAT address


@pytest.fixture
def notice(tree):
    project = ProjectFactory(organization=tree.branch_a1, batch=batch_in("recognition"))
    Project.objects.filter(pk=project.pk).update(state=ProjectState.SHORTLISTED)
    project.refresh_from_db()
    return notices.notice_publish(batch=project.batch, kind="recognition", title="拟认定公示", body="现予公示",
                                  starts_on=timezone.localdate(), items=[(project, "")], actor=tree.staff)


def lodge(client, notice, data, address=OFFICE):
    return client.post(reverse("public:objection_lodge", args=[notice.pk]), data, REMOTE_ADDR=address)


def person(n):
    return {"name": f"教师{n}", "contact": f"1390000{n:04d}", "content": "请核实该支部的推荐材料"}


def test_one_office_behind_one_address_can_post_several_peoples_objections(client, notice):
    for n in range(8):
        assert lodge(client, notice, answered(person(n))).status_code == 302
    assert Objection.objects.filter(source=OFFICE).count() == 8


def test_one_person_is_limited_across_addresses_however_they_type_their_contact(client, notice):
    ways = ["13900000001", "139 0000 0001", "+86 139-0000-0001", "１３９００００００01"]
    for n in range(notices.OBJECTIONS_PER_PERSON_PER_DAY):
        data = {"name": "李 四" if n % 2 else "李四", "contact": ways[n % len(ways)], "content": f"第{n}条"}
        assert lodge(client, notice, answered(data), address=f"10.0.{n}.9").status_code == 302
    response = lodge(client, notice, answered({"name": "李四", "contact": "13900000001", "content": "又一条"}),
                     address="172.16.0.1")
    assert response.status_code == 400 and "请将其余意见合并填写" in response.content.decode()
    assert Objection.objects.count() == notices.OBJECTIONS_PER_PERSON_PER_DAY


def test_one_address_is_limited_loosely(notice):
    for n in range(notices.OBJECTIONS_PER_ADDRESS_PER_HOUR):
        notices.objection_lodge(notice=notice, source=OFFICE, **person(n))
    with pytest.raises(MoveRefused, match="本网络地址提交过于频繁"):
        notices.objection_lodge(notice=notice, source=OFFICE, **person(99))
    notices.objection_lodge(notice=notice, source="10.9.9.9", **person(99))


def test_a_flood_yields_one_notification_per_staff_member_until_read(tree, client, notice):
    item = notice.items.get()
    mails_before = OutboundEmail.objects.count()
    for n in range(20):
        data = answered({**person(n), "item": item.pk})
        assert lodge(client, notice, data, address=f"10.1.{n}.1").status_code == 302
    waiting = Notification.objects.filter(user=tree.staff, url=f"/cultivation/notices/{notice.pk}/")
    assert waiting.count() == 1
    assert "20 条异议待处理" in waiting.get().body and "教师19" in waiting.get().body
    assert OutboundEmail.objects.count() - mails_before <= 1
    assert Event.objects.filter(action="objection.lodged").count() == 20  # each objection stays on record
    waiting.update(read_at=timezone.now())
    lodge(client, notice, answered(person(21)), address="10.2.0.1")
    assert waiting.count() == 2 and waiting.filter(read_at__isnull=True).count() == 1


def test_the_challenge_is_required_and_a_wrong_answer_changes_nothing(client, notice):
    events = Event.objects.count()
    response = lodge(client, notice, person(1))
    assert response.status_code == 400 and "验证题已失效" in response.content.decode()
    response = lodge(client, notice, {**answered(person(1)), "answer": "8"})
    assert response.status_code == 400 and "验证题回答不正确" in response.content.decode()
    response = lodge(client, notice, {**answered(person(1)), "answer": ""})
    assert response.status_code == 400 and "请回答验证题" in response.content.decode()
    forged = answered(person(1))
    forged["challenge"] = forged["challenge"][:-2] + "xx"
    response = lodge(client, notice, forged)
    assert response.status_code == 400 and "验证题已失效" in response.content.decode()
    assert not Objection.objects.exists() and Event.objects.count() == events


def posted_question(page):
    """The question token a page asks, and its answer, read as a person would read the question."""
    token = re.search(r'name="challenge" value="([^"]+)"', page).group(1)
    return token, challenge.read(token)[1]


def test_a_wrong_answer_spends_the_question(client, notice):
    data = answered(person(1))
    response = lodge(client, notice, {**data, "answer": "8"})
    assert response.status_code == 400 and "验证题回答不正确" in response.content.decode()
    # The same question again, now with its right answer: spent, so the answer space cannot be walked.
    response = lodge(client, notice, data)
    assert response.status_code == 400 and "验证题已失效" in response.content.decode()
    assert not Objection.objects.exists()


def test_after_a_wrong_answer_a_new_question_is_asked_and_what_was_typed_stays(client, notice):
    data = answered(person(1))
    page = lodge(client, notice, {**data, "answer": "8"}).content.decode()
    assert "教师1" in page and "请核实该支部的推荐材料" in page and "已换一道新题" in page
    token, answer = posted_question(page)
    assert token != data["challenge"] and 'name="answer" value="8"' not in page
    # The question a person reads is the one the new token asks (the browser journey answers the label).
    assert challenge.read(token)[0].question in re.search(r'for="id_answer"[^>]*>([^<]*)<', page).group(1)
    assert lodge(client, notice, {**data, "challenge": token, "answer": str(answer)}).status_code == 302
    assert Objection.objects.get().name == "教师1"


def test_a_right_answer_with_a_field_missing_keeps_the_question(client, notice):
    data = answered({**person(1), "contact": ""})
    page = lodge(client, notice, data).content.decode()
    assert "请填写联系方式" in page and posted_question(page)[0] == data["challenge"]
    assert lodge(client, notice, {**data, "contact": "13900000001"}).status_code == 302


def test_a_question_spent_by_a_wrong_answer_is_refused_by_the_service_too(notice):
    # A wrong and a right answer to one question posted at the same instant: whichever spends it first
    # wins, the other is refused (the form's check alone would let both through).
    nonce = challenge.read(challenge.issue(3, 4).token)[2]
    assert challenge.spend(nonce)
    with pytest.raises(MoveRefused, match="验证题"):
        notices.objection_lodge(notice=notice, challenge=nonce, **person(1))
    assert not challenge.spend(nonce)


def test_an_answered_question_is_used_once(client, notice):
    data = answered(person(1))
    assert lodge(client, notice, data).status_code == 302
    response = lodge(client, notice, {**data, "name": "王五", "contact": "13800000000"})
    assert response.status_code == 400 and "验证题已失效" in response.content.decode()
    assert Objection.objects.count() == 1


def test_an_expired_question_is_refused(client, notice, monkeypatch):
    data = answered(person(1))
    monkeypatch.setattr(challenge, "MAX_AGE", -1)
    response = lodge(client, notice, data)
    assert response.status_code == 400 and "验证题已失效" in response.content.decode()
    assert not Objection.objects.exists()


@pytest.mark.parametrize("answer", ["7", "７", "七", " 7 "])
def test_the_answer_may_be_typed_as_a_person_would(client, notice, answer):
    assert lodge(client, notice, {**answered(person(1)), "answer": answer}).status_code == 302


def test_the_public_page_asks_the_question_without_scripts(client, notice):
    page = client.get(reverse("public:notice_detail", args=[notice.pk])).content.decode()
    assert "验证题：" in page and 'name="challenge"' in page and 'name="answer"' in page


def test_a_huge_or_garbled_token_is_just_a_failed_question(client, notice):
    for token in ["x" * 100_000, "a:b:c", "", "１２３"]:
        response = lodge(client, notice, {**person(1), "challenge": token, "answer": "7"})
        assert response.status_code == 400 and "验证题已失效" in response.content.decode()
    assert not Objection.objects.exists()


def test_behind_the_proxy_objections_are_counted_per_real_client(client, notice, settings):
    # nginx connects from 127.0.0.1 and appends the address it saw; a script behind it must not use up
    # the address limit of everyone else, nor choose the address it is counted under.
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    response = client.post(reverse("public:objection_lodge", args=[notice.pk]), answered(person(1)),
                           REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.8.0.7")
    assert response.status_code == 302
    assert Objection.objects.get().source == "10.8.0.7"

"""The staff page that creates a round and edits its settings: through the services, with Chinese
messages for bad input, which changes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import Event
from cultivation.workflow import MoveRefused
from evaluations import services
from evaluations.models import Round
from notifications.models import Notification
from tests.factories import BatchFactory, RubricFactory, full_scores, seven_rubric, submitted_sheet


def edit_url(round_):
    return reverse("evaluations:round_edit", args=[round_.pk])


def settings_of(round_, **changes):
    data = {"name": round_.name, "rubric": round_.rubric_id, "deadline": round_.deadline.isoformat(),
            "reviewers_per_project": round_.reviewers_per_project, "method": round_.method,
            "trim_min_count": round_.trim_min_count, "excellent_min": round_.excellent_min,
            "good_min": round_.good_min, "pass_min": round_.pass_min, "version": round_.version}
    data.update(changes)
    return data


def snapshot(round_):
    return Round.objects.filter(pk=round_.pk).values().get()


def test_the_edit_page_shows_the_current_settings(panel, client_for):
    html = client_for(panel.tree.staff).get(edit_url(panel.round)).content.decode()
    assert "修改评估轮次设置" in html and f'value="{panel.round.name}"' in html
    assert f'value="{panel.round.deadline.isoformat()}"' in html
    assert f'name="version" value="{panel.round.version}"' in html


def test_saving_changes_the_round_logs_the_changes_and_tells_the_reviewers(panel, client_for):
    services.assignment_add(round_=panel.round, project=panel.project_a, reviewer=panel.reviewer_c,
                            actor=panel.tree.staff)
    new_deadline = timezone.localdate() + datetime.timedelta(days=45)
    response = client_for(panel.tree.staff).post(edit_url(panel.round), settings_of(
        panel.round, name="中期评估（调整）", deadline=new_deadline.isoformat(), reviewers_per_project=5,
        method="mean", excellent_min="92", good_min="82.5", pass_min="65"))
    assert response.status_code == 302 and response.url == reverse("evaluations:round_detail", args=[panel.round.pk])
    round_ = Round.objects.get(pk=panel.round.pk)
    assert (round_.name, round_.deadline, round_.reviewers_per_project, round_.method) == (
        "中期评估（调整）", new_deadline, 5, "mean")
    assert (round_.excellent_min, round_.good_min, round_.pass_min) == (Decimal(92), Decimal("82.5"), Decimal(65))
    assert round_.version == panel.round.version + 1
    event = Event.objects.get(action="round.updated")
    assert event.actor == panel.tree.staff
    assert event.data["计分方式"] == ["去掉一个最高分和一个最低分后平均", "算术平均"]
    assert event.data["良好分数线"] == ["80", "82.5"]
    assert "评分截止日期" in event.data and "去掉最高最低分的最少评分数" not in event.data
    assert Notification.objects.filter(user=panel.reviewer_c, title__contains="评分截止日期调整").exists()


@pytest.mark.parametrize("changes, message", [
    ({"excellent_min": "80", "good_min": "85"}, "等次分数线应满足：100 ≥ 优秀 &gt; 良好 &gt; 合格 ≥ 0"),
    ({"excellent_min": "120"}, "等次分数线应满足"),
    ({"pass_min": "-5"}, "等次分数线应满足"),
    ({"good_min": "八十"}, "请填写数字"),
    ({"trim_min_count": "2"}, "去掉最高最低分的最少评分数不能少于 3"),
    ({"reviewers_per_project": "0"}, "每个项目至少需要 1 位评审专家"),
    ({"deadline": "2020-01-01"}, "评分截止日期不能早于今天"),
    ({"deadline": "2026-02-30"}, "评分截止日期格式不正确"),
    ({"name": ""}, "请填写名称"),
    ({"method": "median"}, "请选择计分方式"),
    ({"rubric": "999999"}, "所选评分细则不存在"),
])
def test_bad_settings_get_a_chinese_message_and_change_nothing(panel, client_for, changes, message):
    before = snapshot(panel.round)
    response = client_for(panel.tree.staff).post(edit_url(panel.round), settings_of(panel.round, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot(panel.round) == before and not Event.objects.filter(action="round.updated").exists()


def test_a_stale_version_is_refused(panel, client_for):
    client = client_for(panel.tree.staff)
    stale = settings_of(panel.round, name="甲改的名称")
    services.round_update(round_=panel.round, actor=panel.tree.staff, name="乙改的名称")
    response = client.post(edit_url(panel.round), stale)
    assert "该评估轮次已被他人修改" in response.content.decode()
    assert Round.objects.get(pk=panel.round.pk).name == "乙改的名称"


def test_saving_without_changes_writes_nothing(panel, client_for):
    response = client_for(panel.tree.staff).post(edit_url(panel.round), settings_of(panel.round), follow=True)
    assert "设置没有变化" in response.content.decode()
    assert snapshot(panel.round)["version"] == panel.round.version
    assert not Event.objects.filter(action="round.updated").exists()


def test_an_unchanged_past_deadline_does_not_block_other_changes(panel):
    Round.objects.filter(pk=panel.round.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=3))
    panel.round.refresh_from_db()
    updated = services.round_update(round_=panel.round, actor=panel.tree.staff, deadline=panel.round.deadline,
                                    pass_min=Decimal(55))
    assert updated.pass_min == Decimal(55)


def test_the_rubric_is_fixed_once_scored(panel, client_for):
    submitted_sheet(panel.round, panel.project_a, panel.reviewer_c, staff=panel.tree.staff)
    other = services.rubric_revise(rubric=panel.round.rubric, actor=panel.tree.staff)
    client = client_for(panel.tree.staff)
    html = client.get(edit_url(panel.round)).content.decode()
    assert "已有专家评分或支部自评，不能更换评分细则" in html
    client.post(edit_url(panel.round), settings_of(panel.round, rubric=other.pk, pass_min="50"))
    round_ = Round.objects.get(pk=panel.round.pk)
    assert round_.rubric_id == panel.round.rubric_id and round_.pass_min == Decimal(50)


def test_a_self_evaluation_draft_also_fixes_the_rubric(panel):
    services.self_evaluation_save(round_=panel.round, project=panel.project_a, actor=panel.tree.secretary,
                                  narrative="", values=full_scores(panel.round, panel.project_a))
    other = services.rubric_revise(rubric=panel.round.rubric, actor=panel.tree.staff)
    with pytest.raises(MoveRefused, match="已有支部按原评分细则填写自评"):
        services.round_update(round_=panel.round, actor=panel.tree.staff, rubric=other)
    assert Round.objects.get(pk=panel.round.pk).rubric_id == panel.round.rubric_id


def test_a_rubric_without_criteria_is_refused(panel):
    empty = RubricFactory()
    with pytest.raises(MoveRefused, match="还没有评分指标"):
        services.round_update(round_=panel.round, actor=panel.tree.staff, rubric=empty)
    with pytest.raises(MoveRefused, match="还没有评分指标"):
        services.round_create(actor=panel.tree.staff, batch=panel.round.batch, phase="midterm", name="x",
                              rubric=empty, deadline=timezone.localdate())
    assert Round.objects.count() == 1


def test_a_closed_round_cannot_be_edited(panel, client_for):
    round_ = services.round_move(round_=panel.round, name="close", actor=panel.tree.staff)
    client = client_for(panel.tree.staff)
    html = client.get(edit_url(round_)).content.decode()
    assert 'data-testid="round-settings-locked"' in html and "disabled" in html
    before = snapshot(round_)
    response = client.post(edit_url(round_), settings_of(round_, name="改名"), follow=True)
    assert "评审已结束，不能再修改设置" in response.content.decode()
    assert snapshot(round_) == before
    with pytest.raises(MoveRefused, match="评审已结束"):
        services.round_update(round_=round_, actor=panel.tree.staff, name="改名")


def test_only_staff_may_change_settings(panel):
    with pytest.raises(MoveRefused, match="只有党委组织部"):
        services.round_update(round_=panel.round, actor=panel.tree.unit_staff, name="改名")
    assert Round.objects.get(pk=panel.round.pk).name == panel.round.name


def test_creating_a_round_through_the_page(panel, client_for):
    batch = BatchFactory()
    data = {"batch": batch.pk, "phase": "final", "name": "第一批验收评审", "rubric": seven_rubric().pk,
            "deadline": (timezone.localdate() + datetime.timedelta(days=20)).isoformat(), "reviewers_per_project": 3,
            "method": "trimmed", "trim_min_count": 5, "excellent_min": 90, "good_min": 80, "pass_min": 60}
    client = client_for(panel.tree.staff)
    response = client.post(reverse("evaluations:round_create"), data, follow=True)
    created = Round.objects.get(name="第一批验收评审")
    assert (created.batch, created.phase, created.created_by) == (batch, "final", panel.tree.staff)
    # Three experts cannot reach five scores: allowed, but said.
    assert "少于去掉最高分和最低分所需的 5 个有效评分" in response.content.decode()
    assert Event.objects.filter(action="round.created", object_id=str(created.pk)).exists()


@pytest.mark.parametrize("changes, message", [
    ({"deadline": "2020-01-01"}, "评分截止日期不能早于今天"),
    ({"batch": ""}, "请选择批次"),
    ({"phase": "annual"}, "请选择评估类型"),
    ({"excellent_min": "60", "pass_min": "70"}, "等次分数线应满足"),
])
def test_creating_with_bad_input_creates_nothing(panel, client_for, changes, message):
    data = {"batch": panel.round.batch_id, "phase": "midterm", "name": "新一轮", "rubric": seven_rubric().pk,
            "deadline": timezone.localdate().isoformat(), "reviewers_per_project": 5, "method": "trimmed",
            "trim_min_count": 5, "excellent_min": 90, "good_min": 80, "pass_min": 60, **changes}
    response = client_for(panel.tree.staff).post(reverse("evaluations:round_create"), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert Round.objects.count() == 1


def test_the_service_refuses_a_past_deadline_whatever_the_page(panel):
    with pytest.raises(MoveRefused, match="评分截止日期不能早于今天"):
        services.round_create(actor=panel.tree.staff, batch=panel.round.batch, phase="midterm", name="x",
                              rubric=seven_rubric(), deadline=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(MoveRefused, match="评分截止日期不能早于今天"):
        services.round_update(round_=panel.round, actor=panel.tree.staff,
                              deadline=timezone.localdate() - datetime.timedelta(days=1))
    assert Round.objects.count() == 1

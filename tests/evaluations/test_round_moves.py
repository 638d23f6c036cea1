"""Closing and reopening a round from its page: the posted reason goes through a form, so a NUL byte or
a reason longer than the form allows is refused in Chinese and nothing moves or is logged."""

import pytest
from django.urls import reverse

from branches.models import Event
from evaluations import services
from evaluations.models import Round


def _closed(panel):
    return services.round_move(round_=panel.round, name="close", actor=panel.tree.staff)


def _reopen(panel, client_for, reason):
    round_ = _closed(panel)
    client = client_for(panel.tree.staff)  # signing in is an event of its own
    events = Event.objects.count()
    response = client.post(reverse("evaluations:round_reopen", args=[round_.pk]),
                           {"version": round_.version, "reason": reason}, follow=True)
    return response, round_, events


@pytest.mark.parametrize("reason, says", [
    ("评分\x00有误", "不能包含控制字符"),
    ("长" * 100_000, "不能超过500"),
])
def test_round_reopen_with_a_hostile_reason_is_refused_and_changes_nothing(panel, client_for, reason, says):
    response, round_, events = _reopen(panel, client_for, reason)
    assert response.status_code == 200 and says in response.content.decode()
    assert Round.objects.get(pk=round_.pk).state == "closed" and Event.objects.count() == events


def test_round_reopen_with_a_reason_moves_and_logs_it(panel, client_for):
    response, round_, events = _reopen(panel, client_for, "专家评分有遗漏")
    assert "已重新开放评审" in response.content.decode()
    assert Round.objects.get(pk=round_.pk).state == "open"
    assert Event.objects.latest("id").data.get("原因") == "专家评分有遗漏"


def test_round_close_ignores_a_reason_its_form_does_not_show(panel, client_for):
    # The close button's form has no reason field: a posted one (here with a NUL byte) is not read.
    response = client_for(panel.tree.staff).post(reverse("evaluations:round_close", args=[panel.round.pk]),
                                                 {"version": panel.round.version, "reason": "x\x00" * 50_000},
                                                 follow=True)
    assert "评审已结束" in response.content.decode()
    assert Round.objects.get(pk=panel.round.pk).state == "closed"
    assert "原因" not in Event.objects.latest("id").data

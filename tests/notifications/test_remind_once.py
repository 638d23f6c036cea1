"""remind_once: a reminder under a key goes out once, whoever sends it and however often."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from notifications.models import Notification, Reminder
from notifications.selectors import reminded
from notifications.services import remind_once

pytestmark = pytest.mark.django_db

COUNTED = []


def test_a_reminder_goes_out_once_per_key(tree):
    assert remind_once("task/7/overdue", [tree.secretary], title="任务已逾期", url="/tasks/7/")
    assert not remind_once("task/7/overdue", [tree.secretary], title="任务已逾期", url="/tasks/7/")
    assert Notification.objects.get().title == "任务已逾期"
    assert list(Reminder.objects.values_list("key", flat=True)) == ["task/7/overdue"]


def test_one_key_sent_before_stops_the_whole_message_and_writes_nothing(tree):
    remind_once("task/7/overdue", [tree.secretary], title="任务已逾期")
    assert not remind_once(["task/8/overdue", "task/7/overdue"], [tree.secretary, tree.unit_staff],
                           title="两项任务已逾期")
    assert Notification.objects.count() == 1
    assert not Reminder.objects.filter(key="task/8/overdue").exists()


def test_a_refused_reminder_leaves_the_callers_transaction_usable(tree):
    with transaction.atomic():
        remind_once("task/7/overdue", [tree.secretary], title="任务已逾期")
        assert not remind_once("task/7/overdue", [tree.secretary], title="任务已逾期")
        Notification.objects.create(user=tree.unit_staff, title="之后的写入")
    assert Notification.objects.count() == 2


def test_reminded_names_the_keys_already_sent(tree, monkeypatch):
    monkeypatch.setattr("notifications.selectors.KEYS_PER_QUERY", 2)
    Reminder.objects.bulk_create(Reminder(key=f"task/{n}/overdue") for n in range(5))
    asked = [f"task/{n}/overdue" for n in range(3, 8)] + ["task/3/overdue"]
    assert reminded(asked) == {"task/3/overdue", "task/4/overdue"}


def counting_job(*, today, days_before):
    COUNTED.append((today, days_before))
    return {"sent": 2, "skipped": 1}


def test_send_reminders_runs_every_job_of_the_setting_and_adds_up(settings):
    settings.REMINDER_JOBS = ["tests.notifications.test_remind_once.counting_job"] * 2
    COUNTED.clear()
    out = io.StringIO()
    call_command("send_reminders", "--date", "2019-07-26", "--days-before", "5", stdout=out)
    # The jobs remind of reports and of task-book tasks alike: the count is of 到期提醒 (issue 24, item 17).
    assert out.getvalue().strip() == "已发送 4 条到期提醒，跳过 2 条（已由其他进程发送）"
    assert [(day.isoformat(), days) for day, days in COUNTED] == [("2019-07-26", 5)] * 2


def test_without_days_before_each_job_chooses_its_own(settings):
    settings.REMINDER_JOBS = ["tests.notifications.test_remind_once.counting_job"]
    COUNTED.clear()
    call_command("send_reminders", stdout=io.StringIO())
    assert COUNTED[0][1] is None

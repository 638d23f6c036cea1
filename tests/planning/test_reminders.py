"""Overdue tasks reach the branch secretary and the 二级党组织, in the inbox and by mail, once per task."""

import datetime

import pytest
from django.core.management import call_command

from branches.models import Event
from cultivation.models import Project
from notifications.models import Notification, Reminder
from planning import services
from planning.enums import TaskBookState, TaskStatus
from tests.factories import cultivating_project

from .helpers import book_with_tasks

D = datetime.timedelta


def _project_with_late_task(tree, state=TaskBookState.CONFIRMED):
    project = cultivating_project(tree.branch_a1)
    start = project.batch.cultivation_start
    book = book_with_tasks(project, state=state, tasks=[("建立台账", start + D(days=10), TaskStatus.ONGOING),
                                                        ("已办完", start + D(days=10), TaskStatus.DONE),
                                                        ("还没到期", start + D(days=200), TaskStatus.PLANNED)])
    return project, book, start + D(days=11)


@pytest.mark.django_db
def test_an_overdue_task_is_reminded_once_to_the_secretary_and_the_unit(tree):
    project, book, today = _project_with_late_task(tree)
    for _ in range(3):
        call_command("send_reminders", "--date", today.isoformat(), verbosity=0)
    notes = Notification.objects.filter(title__contains="任务书中的任务已逾期")
    assert sorted(n.user.username for n in notes) == ["secretary", "unit"]
    assert all("建立台账" in n.body and "李四" in n.body and n.url == f"/planning/taskbooks/{book.pk}/" for n in notes)
    assert Reminder.objects.filter(key__startswith="planning/task/").count() == 1
    assert Event.objects.filter(action="taskbook.task_reminded").count() == 1
    # The inbox shows it.
    from django.test import Client

    client = Client()
    client.force_login(tree.unit_staff)
    assert "任务书中的任务已逾期" in client.get("/inbox/").content.decode()


@pytest.mark.django_db
def test_no_reminder_before_the_due_date_or_for_books_not_in_force(tree):
    project, book, today = _project_with_late_task(tree)
    assert services.send_reminders(today=today - D(days=1)) == {"sent": 0, "skipped": 0}
    Project.objects.filter(pk=project.pk).update(state="accepted")
    assert services.send_reminders(today=today) == {"sent": 0, "skipped": 0}
    _project_with_late_task(tree, state=TaskBookState.SUBMITTED)
    assert services.send_reminders(today=today) == {"sent": 0, "skipped": 0}
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_only_the_latest_confirmed_version_is_reminded(tree):
    project, old, today = _project_with_late_task(tree)
    book_with_tasks(project, number=2, state=TaskBookState.CONFIRMED,
                    tasks=[("新版任务", project.batch.cultivation_start, TaskStatus.PLANNED)])
    assert services.send_reminders(today=today) == {"sent": 1, "skipped": 0}
    assert all("新版任务" in n.body for n in Notification.objects.all())


@pytest.mark.django_db
def test_a_run_that_lost_the_race_sends_nothing(tree, monkeypatch):
    project, book, today = _project_with_late_task(tree)
    real = services._remind_task

    def raced(task, today_):
        Reminder.objects.create(key=services.task_reminder_key(task))  # another run got there first
        return real(task, today_)

    monkeypatch.setattr(services, "_remind_task", raced)
    assert services.send_reminders(today=today) == {"sent": 0, "skipped": 1}
    assert not Notification.objects.exists() and not Event.objects.filter(action="taskbook.task_reminded").exists()


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once(tree):
    from tests.security.test_races import race

    project, book, today = _project_with_late_task(tree)
    results = race(lambda: services.send_reminders(today=today), lambda: services.send_reminders(today=today))
    assert all(isinstance(result, dict) for result in results), results
    assert sum(result["sent"] for result in results) == 1
    assert Notification.objects.filter(title__contains="任务书中的任务已逾期").count() == 2
    assert Reminder.objects.filter(key__startswith="planning/task/").count() == 1
    assert Event.objects.filter(action="taskbook.task_reminded").count() == 1


@pytest.mark.django_db
def test_a_confirmed_revision_does_not_remind_the_same_late_task_again(tree):
    project, book, today = _project_with_late_task(tree)
    assert services.send_reminders(today=today)["sent"] == 1
    from planning.models import TaskBook

    revision = services.taskbook_start(project=project, actor=tree.secretary, reason="新增任务")
    for name, actor in (("submit", tree.secretary), ("endorse", tree.unit_staff), ("confirm", tree.staff)):
        revision = services.taskbook_move(book=TaskBook.objects.get(pk=revision.pk), name=name, actor=actor)
    assert services.send_reminders(today=today) == {"sent": 0, "skipped": 0}
    assert Notification.objects.filter(title__contains="任务书中的任务已逾期").count() == 2

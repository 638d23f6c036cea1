"""send_reminders: due-soon and overdue reminders, each sent once however often the command runs."""

import datetime

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from branches.models import Event
from cultivation.reports import services as reports
from cultivation.reports.enums import ReminderKind, ReportState
from notifications.models import Notification, OutboundEmail, Reminder
from tests.factories import BatchFactory, cultivating_project, progress_report

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def project(tree):
    for user in (tree.secretary, tree.unit_staff, tree.other_secretary):
        user.email = f"{user.username}@example.edu.cn"
        user.save()
    batch = BatchFactory(cultivation_start=D(2019, 7, 1), cultivation_end=D(2020, 5, 31), report_due_day=25,
                         midterm_start=D(2020, 6, 1), midterm_end=D(2020, 6, 30), harvest_start=D(2020, 7, 1),
                         harvest_end=D(2020, 12, 31))
    return cultivating_project(tree.branch_a1, batch=batch)


def run(day, *extra):
    call_command("send_reminders", "--date", day.isoformat(), *extra)


def test_a_due_soon_reminder_reaches_the_secretary_once(tree, project, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run(D(2019, 7, 22))  # three days before 25 July
        run(D(2019, 7, 22))
        run(D(2019, 7, 24))
    note = Notification.objects.get()
    assert note.user == tree.secretary and "即将到期" in note.title and "2019年7月" in note.body
    assert OutboundEmail.objects.count() == 1 and len(mail.outbox) == 1
    assert Reminder.objects.get().key == f"report/{project.pk}/2019-07-25/due_soon"
    assert Event.objects.filter(action="report.reminded").count() == 1


def test_no_reminder_before_the_lead_time(project):
    run(D(2019, 7, 21))
    assert not Notification.objects.exists() and not Reminder.objects.exists()


def test_the_day_after_the_due_date_the_overdue_reminder_goes_to_the_secretary_and_the_unit(
        tree, project, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run(D(2019, 7, 25))  # the due day itself: still "due soon"
        run(D(2019, 7, 26))
        run(D(2019, 7, 26))
        run(D(2019, 7, 30))
    overdue = Notification.objects.filter(title__contains="已逾期")
    assert sorted(n.user.username for n in overdue) == ["secretary", "unit"]
    assert Notification.objects.count() == 3  # one due-soon and two overdue
    assert OutboundEmail.objects.count() == 3 and len(mail.outbox) == 3
    assert not Notification.objects.filter(user=tree.other_secretary).exists()


def test_a_submitted_report_is_not_reminded(project):
    progress_report(project, due=D(2019, 7, 25), state=ReportState.SUBMITTED)
    run(D(2019, 7, 23))
    run(D(2019, 7, 27))
    assert not Notification.objects.exists()


def test_a_draft_report_is_still_reminded(project):
    progress_report(project, due=D(2019, 7, 25), state=ReportState.DRAFT)
    run(D(2019, 7, 27))
    assert Notification.objects.filter(title__contains="已逾期").count() == 2


def test_a_first_late_run_sends_one_message_for_all_overdue_periods(tree, project):
    run(D(2019, 10, 1))
    overdue = Notification.objects.get(user=tree.secretary, title__contains="已逾期")
    assert all(month in overdue.body for month in ("2019年7月", "2019年8月", "2019年9月"))
    assert Reminder.objects.filter(key__endswith="/overdue").count() == 3
    run(D(2019, 10, 2))
    assert Notification.objects.filter(user=tree.secretary).count() == 1


@pytest.mark.parametrize("state", ["final_submitted", "accepted", "failed", "nominated", "withdrawn"])
def test_finished_or_not_yet_recognized_projects_are_not_reminded(tree, project, state):
    project.__class__.objects.filter(pk=project.pk).update(state=state)
    run(D(2019, 7, 23))
    run(D(2019, 7, 27))
    assert not Notification.objects.exists() and not Reminder.objects.exists()
    assert not Event.objects.filter(action="report.reminded").exists()


@pytest.mark.parametrize("state", ["midterm_submitted", "rectifying"])
def test_projects_under_assessment_or_in_rectification_are_still_reminded(tree, project, state):
    project.__class__.objects.filter(pk=project.pk).update(state=state)
    run(D(2019, 7, 27))
    assert Notification.objects.filter(title__contains="已逾期").count() == 2


def test_a_reminder_row_cannot_be_written_twice(project):
    key = reports.reminder_key(project, D(2019, 7, 25), ReminderKind.OVERDUE)
    Reminder.objects.create(key=key)
    with pytest.raises(IntegrityError):
        Reminder.objects.create(key=key)


def test_an_overlapping_run_that_lost_the_race_sends_nothing(tree, project, monkeypatch):
    # Another run wrote the reminder between our read of what was sent and our insert.
    real = reports._remind

    def raced(project_, kind, periods, today):
        Reminder.objects.create(key=reports.reminder_key(project_, periods[0].due, kind))
        return real(project_, kind, periods, today)

    monkeypatch.setattr(reports, "_remind", raced)
    result = reports.send_reminders(today=D(2019, 7, 23), days_before=3)
    assert result == {"sent": 0, "skipped": 1}
    assert not Notification.objects.exists() and not OutboundEmail.objects.exists()
    assert not Event.objects.filter(action="report.reminded").exists()
    assert Reminder.objects.count() == 1  # the other run's; ours was never written


def test_days_before_can_be_set(project):
    run(D(2019, 7, 18), "--days-before", "7")
    assert Notification.objects.filter(title__contains="即将到期").exists()


def test_bad_arguments_are_refused_in_chinese(project):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "明天")
    with pytest.raises(CommandError, match="不能为负数"):
        call_command("send_reminders", "--days-before", "-1")

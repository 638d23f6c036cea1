"""The move of the inbox, the outbox and the report reminders to `notifications` keeps every row, both
ways: back to the tables of cultivation/0008 and forward again (issue 9)."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from branches.models import Event
from cultivation.reports import services as reports
from notifications import services
from notifications.models import Notification, OutboundEmail, Reminder
from tests.factories import BatchFactory, cultivating_project

pytestmark = pytest.mark.django_db(transaction=True)

D = datetime.date
BEFORE_THE_MOVE = [("cultivation", "0008_acceptance_override"), ("notifications", None)]


@pytest.fixture(autouse=True)
def empty_the_kept_reminder_table():
    """On PostgreSQL cultivation/0011 keeps the old reminder table for the release still serving; Django no
    longer knows it, so the flush after each test leaves the rows this test puts there. They go here, or
    the next test (a restore onto a new installation) finds data in the database."""
    yield
    if "cultivation_reminder" in connection.introspection.table_names():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM cultivation_reminder")


def migrate(targets=None):
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()


def rows(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def test_rows_survive_the_move_back_and_forward(tree):
    tree.secretary.email = "zhang@example.edu.cn"
    tree.secretary.save()
    batch = BatchFactory(cultivation_start=D(2019, 7, 1), cultivation_end=D(2020, 5, 31), report_due_day=25,
                         midterm_start=D(2020, 6, 1), midterm_end=D(2020, 6, 30), harvest_start=D(2020, 7, 1),
                         harvest_end=D(2020, 12, 31))
    project = cultivating_project(tree.branch_a1, batch=batch)
    assert reports.send_reminders(today=D(2019, 9, 26), days_before=3)["sent"] == 3
    note = Notification.objects.filter(user=tree.secretary).first()
    services.notification_read(notification=note, user=tree.secretary)
    keys = dict(Reminder.objects.values_list("key", "created_at"))
    mails = set(OutboundEmail.objects.values_list("pk", "to"))
    notes = set(Notification.objects.values_list("pk", "user_id", "title", "read_at"))

    migrate(BEFORE_THE_MOVE)
    try:
        tables = set(connection.introspection.table_names())
        assert {"cultivation_notification", "cultivation_outboundemail", "cultivation_reminder"} <= tables
        assert not {name for name in tables if name.startswith("notifications_")}
        assert set(rows("SELECT id, user_id, title, read_at IS NOT NULL FROM cultivation_notification")) == {
            (pk, user, title, read is not None) for pk, user, title, read in notes}
        assert set(rows('SELECT id, "to" FROM cultivation_outboundemail')) == mails
        old = rows("SELECT project_id, period_due, kind FROM cultivation_reminder")
        assert sorted((p, str(due), kind) for p, due, kind in old) == [
            (project.pk, "2019-07-25", "overdue"), (project.pk, "2019-08-25", "overdue"),
            (project.pk, "2019-09-25", "overdue")]
        assert rows("SELECT app_label FROM django_content_type WHERE model = 'notification'") == [("cultivation",)]
    finally:
        migrate()

    assert set(Notification.objects.values_list("pk", "user_id", "title", "read_at")) == notes
    assert set(OutboundEmail.objects.values_list("pk", "to")) == mails
    assert dict(Reminder.objects.values_list("key", "created_at")) == keys
    # The event of reading still finds its notification, and nothing is reminded a second time.
    assert Event.objects.get(action="notification.read").target == note
    assert reports.send_reminders(today=D(2019, 9, 27), days_before=3) == {"sent": 0, "skipped": 0}
    # New rows after the move get fresh ids.
    services.notify([tree.secretary], title="迁移之后")
    assert Notification.objects.get(title="迁移之后").pk > max(pk for pk, *_ in notes)

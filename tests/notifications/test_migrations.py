"""The move of the inbox and the outbox to `notifications` keeps every row, both ways: back to the
tables of cultivation/0008 and forward again (issue 9)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from branches.models import Event
from notifications import services
from notifications.models import Notification, OutboundEmail

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_THE_MOVE = [("cultivation", "0008_acceptance_override"), ("notifications", None)]


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
    services.notify([tree.secretary, tree.unit_staff], title="进展报告已退回", url="/cultivation/reports/")
    note = Notification.objects.get(user=tree.secretary)
    services.notification_read(notification=note, user=tree.secretary)
    mails = set(OutboundEmail.objects.values_list("pk", "to"))
    notes = set(Notification.objects.values_list("pk", "user_id", "title", "read_at"))

    migrate(BEFORE_THE_MOVE)
    try:
        tables = set(connection.introspection.table_names())
        assert {"cultivation_notification", "cultivation_outboundemail"} <= tables
        assert not {name for name in tables if name.startswith("notifications_")}
        assert set(rows("SELECT id, user_id, title, read_at IS NOT NULL FROM cultivation_notification")) == {
            (pk, user, title, read is not None) for pk, user, title, read in notes}
        assert set(rows('SELECT id, "to" FROM cultivation_outboundemail')) == mails
        assert rows("SELECT app_label FROM django_content_type WHERE model = 'notification'") == [("cultivation",)]
    finally:
        migrate()

    assert set(Notification.objects.values_list("pk", "user_id", "title", "read_at")) == notes
    assert set(OutboundEmail.objects.values_list("pk", "to")) == mails
    # The event of reading still finds its notification.
    assert Event.objects.get(action="notification.read").target == note
    # New rows after the move get fresh ids.
    services.notify([tree.secretary], title="迁移之后")
    assert Notification.objects.get(title="迁移之后").pk > max(pk for pk, *_ in notes)

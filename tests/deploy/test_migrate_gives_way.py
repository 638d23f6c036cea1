"""On PostgreSQL `migrate` gives way to the pages of the release still serving (docs/upgrades.md).

A page of the old release holds a read lock on the progress reports table in an open transaction;
the migration that adds a column to it waits at most MIGRATE_LOCK_TIMEOUT_MS, rolls back, says so,
and runs again once the page is done, instead of queueing every later page behind its lock (or
being the side PostgreSQL keeps when the two deadlock, which cancelled the page: a 500).
"""

import threading
from io import StringIO

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="lock_timeout is PostgreSQL's"),
]
BEFORE = [("cultivation", "0013_project_source")]


def columns(table):
    with connection.cursor() as cursor:
        return {column.name for column in connection.introspection.get_table_description(cursor, table)}


def test_a_migration_that_meets_a_serving_page_gives_way_and_runs_again(settings):
    settings.MIGRATE_LOCK_TIMEOUT_MS = 100
    MigrationExecutor(connection).migrate(BEFORE)
    assert "new_members_count" not in columns("cultivation_progressreport")
    page = psycopg2.connect(**connection.get_connection_params())
    try:
        with page.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM cultivation_progressreport")  # opens the transaction
        finished = threading.Timer(1.5, page.commit)
        finished.start()
        out = StringIO()
        call_command("migrate", "cultivation", "0014", stdout=out)
        finished.join()
        assert "让正在服务的请求先完成" in out.getvalue()
        assert "new_members_count" in columns("cultivation_progressreport")
    finally:
        page.close()
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_without_a_timeout_migrate_is_djangos_own(settings):
    settings.MIGRATE_LOCK_TIMEOUT_MS = 0
    out = StringIO()
    call_command("migrate", stdout=out)
    assert "No migrations to apply" in out.getvalue()

"""Django's migrate, made to give way to the release still serving (docs/upgrades.md).

During an upgrade the old code keeps answering while the new migrations run. A migration that
takes an ACCESS EXCLUSIVE lock on one table, while a page already holding a read lock on it waits
for a table the migration holds, is a deadlock; PostgreSQL then cancels one side after
`deadlock_timeout` (1 s), and that was the page: a 500. Here each atomic migration waits for a
lock at most `MIGRATE_LOCK_TIMEOUT_MS`, less than `deadlock_timeout`, so the migration is the one
that gives up; its transaction rolls back whole and it runs again after a pause, while the page
goes on. Non-atomic migrations (CREATE INDEX CONCURRENTLY) keep no timeout: they take no lock that
blocks a page, and a build cut off halfway would leave an invalid index behind.
"""
import time

from django.conf import settings
from django.core.management.commands import migrate
from django.db import OperationalError, connections

# lock_not_available (our lock_timeout), deadlock_detected (should PostgreSQL choose us anyway)
GIVE_WAY = {"55P03", "40P01"}


def gave_way(error):
    return getattr(error.__cause__, "pgcode", None) in GIVE_WAY


class Command(migrate.Command):
    help = migrate.Command.help + " 在 PostgreSQL 上等锁超过 MIGRATE_LOCK_TIMEOUT_MS 时让步并重试。"

    def handle(self, *args, **options):
        self.connection = connections[options["database"]]
        self.timeout = settings.MIGRATE_LOCK_TIMEOUT_MS if self.connection.vendor == "postgresql" else 0
        attempts = settings.MIGRATE_LOCK_ATTEMPTS if self.timeout else 1
        for attempt in range(1, attempts + 1):
            try:
                return super().handle(*args, **options)
            except OperationalError as error:
                if not self.timeout or not gave_way(error) or attempt == attempts:
                    raise
                self.stdout.write(self.style.WARNING(
                    f"\n  等待锁超过 {self.timeout} ms，让正在服务的请求先完成；"
                    f"第 {attempt} 次，稍后重试本迁移。"))
                time.sleep(min(0.5 * attempt, 5))

    def migration_progress_callback(self, action, migration=None, fake=False):
        if self.timeout and action == "apply_start":
            limit = f"{self.timeout}ms" if migration.atomic else "0"
            with self.connection.cursor() as cursor:
                cursor.execute(f"SET lock_timeout = '{limit}'")
        if self.timeout and action == "apply_success":
            with self.connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = DEFAULT")
        super().migration_progress_callback(action, migration, fake)

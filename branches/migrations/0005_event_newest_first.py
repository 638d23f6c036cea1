"""The event log's index for its order (newest first), built without holding off writes.

The log takes a write with every change anywhere, and it is the biggest table: a plain CREATE INDEX would
block those writes for the whole build. So on PostgreSQL the index is built CONCURRENTLY, outside a
transaction (docs/upgrades.md); SQLite (development, the tests) has no such thing and builds it plainly.
Only an index is added: the running older code is not affected.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class AddIndexConcurrentlyOnPostgres(AddIndexConcurrently):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("branches", "0004_campus_identity"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="event",
            index=models.Index(fields=["-created_at", "-id"], name="event_newest_first"),
        ),
    ]

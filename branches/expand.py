"""Migration operations that let the release still serving keep working while the next one migrates.

An upgrade runs `migrate` while the old code answers requests (docs/upgrades.md): what the old code
reads must stay where it is, and what it writes must still be accepted. These two operations do the
"expand" half of expand-then-contract for the changes that cannot simply wait a release.
"""

from django.db import migrations


def add_field_with_db_default(model_name, name, field, db_default):
    """AddField whose column keeps a database DEFAULT, so the older release's INSERTs (which do not name
    the column) still succeed. The model keeps its Python default only: the DEFAULT lives on the table
    and changes nothing for the code of this release."""
    _, _, args, kwargs = field.deconstruct()
    table_field = field.__class__(*args, **{**kwargs, "db_default": db_default})
    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AddField(model_name, name, field)],
        database_operations=[migrations.AddField(model_name, name, table_field)],
    )


class RenameTableKeepingOldName(migrations.AlterModelTable):
    """AlterModelTable that leaves the old name behind on PostgreSQL as a view of the renamed table.

    A view over one table is updatable in PostgreSQL, so the older release reads and writes its old
    table name until it is replaced. The next release drops the view (it blocks changing a column's
    type). SQLite (development, tests) has no updatable views; it is never upgraded under load.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        old = from_state.apps.get_model(app_label, self.name)._meta.db_table
        super().database_forwards(app_label, schema_editor, from_state, to_state)
        new = to_state.apps.get_model(app_label, self.name)._meta.db_table
        if schema_editor.connection.vendor == "postgresql" and old != new:
            quote = schema_editor.quote_name
            schema_editor.execute(f"CREATE VIEW {quote(old)} AS SELECT * FROM {quote(new)}")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        old = to_state.apps.get_model(app_label, self.name)._meta.db_table
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP VIEW IF EXISTS {schema_editor.quote_name(old)}")
        # AlterModelTable goes back by running its forwards the other way: not ours, which adds a view.
        migrations.AlterModelTable.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"Rename table for {self.name} to {self.table}, the old name left as a view"

"""Migrations that the running (older) code survives while they run: add first, remove later (issue 15, 23).

During an upgrade the old code keeps serving until the migration has finished and the servers reload.
So a release may add tables, nullable columns and columns with a database default; it may not drop or
rename what the old code reads, nor add a NOT NULL column the old code's INSERTs would leave empty
(Django drops a Python `default` from the table after filling existing rows), nor make a nullable column
NOT NULL. docs/upgrades.md says how to do each of those in two releases. A migration that must break the
rule is listed in ALLOWED with what the old release then cannot do, and `make upgrade-check` expects it.

Every migration after the last one of the oldest release a site may still run (CHANGELOG.md) is checked:
"was written before the rule" is no excuse while a site on that release has yet to run it.
"""

from django.db import migrations
from django.db.migrations.loader import MigrationLoader
from django.db.models import NOT_PROVIDED

from branches.expand import RenameTableKeepingOldName

OUR_APPS = {"branches", "notifications", "cultivation", "evaluations", "planning", "dissemination", "dashboards",
            "bench"}
# The last migration of each app in v2026.11 (f089801), the oldest release a site upgrades from.
RELEASED = {"branches": "0001", "cultivation": "0003", "evaluations": "0002"}
ALLOWED = {
    ("cultivation", "0012_batch_owner"):
        "培育批次必须有主办单位（owner_id 非空）：迁移运行期间，旧版本“新建批次”会失败（500），其余页面照常；"
        "升级说明请管理员在升级时段内不要新建批次",
}


def database_operations(operations):
    for operation in operations:
        if isinstance(operation, migrations.SeparateDatabaseAndState):
            yield from database_operations(operation.database_operations)
        else:
            yield operation


def unsafe(operation, created, before=None):
    """What the operation breaks for the older code, or None. `before` is the model's field as it was."""
    if isinstance(operation, RenameTableKeepingOldName):
        return None  # the old name stays readable and writable (an updatable view) until the next release
    if isinstance(operation, (migrations.RemoveField, migrations.DeleteModel, migrations.RenameField,
                              migrations.RenameModel, migrations.AlterModelTable)):
        return type(operation).__name__
    if isinstance(operation, (migrations.AddField, migrations.AlterField)) and operation.model_name not in created:
        field = operation.field
        if field.null or field.db_default is not NOT_PROVIDED or field.many_to_many:
            return None
        if isinstance(operation, migrations.AddField):
            return f"AddField {operation.name}: NOT NULL without db_default"
        if before is not None and before.null:
            return f"AlterField {operation.name}: NULL to NOT NULL without db_default"
    return None


def offenders_of(loader, node, migration):
    created = {op.name.lower() for op in migration.operations if isinstance(op, migrations.CreateModel)}
    state = loader.project_state(node, at_end=False)
    for top in migration.operations:
        for operation in database_operations([top]):
            before = None
            if isinstance(operation, migrations.AlterField):
                before = state.models[node[0], operation.model_name_lower].fields.get(operation.name)
            problem = unsafe(operation, created, before)
            if problem:
                yield f"{node[0]}.{node[1]}: {problem}"
        top.state_forwards(node[0], state)


def checked_migrations(loader):
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        if app in OUR_APPS and name[:4] > RELEASED.get(app, "0000"):
            yield (app, name), migration


def test_every_migration_since_the_oldest_release_keeps_its_code_working():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    offenders = [problem for node, migration in checked_migrations(loader) if node not in ALLOWED
                 for problem in offenders_of(loader, node, migration)]
    assert not offenders, "迁移会让正在运行的旧版本出错（见 docs/upgrades.md）：\n" + "\n".join(offenders)


def test_every_exception_is_still_needed():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for node in ALLOWED:
        assert list(offenders_of(loader, node, loader.disk_migrations[node])), f"{node} 已经安全，请从 ALLOWED 删除"


def test_the_rule_catches_what_it_is_for():
    from django.db import models

    assert unsafe(migrations.RemoveField("project", "title"), set())
    assert unsafe(migrations.AlterModelTable("notification", "notifications_notification"), set())
    assert not unsafe(RenameTableKeepingOldName("notification", "notifications_notification"), set())
    assert unsafe(migrations.AddField("project", "score", models.IntegerField(default=0)), set())
    assert not unsafe(migrations.AddField("project", "score", models.IntegerField(null=True)), set())
    assert not unsafe(migrations.AddField("project", "score", models.IntegerField(db_default=0)), set())
    assert not unsafe(migrations.AddField("newthing", "score", models.IntegerField()), {"newthing"})
    made_required = migrations.AlterField("batch", "owner", models.IntegerField())
    assert unsafe(made_required, set(), before=models.IntegerField(null=True))
    assert not unsafe(made_required, set(), before=models.IntegerField())  # only its choices or label changed

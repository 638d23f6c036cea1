"""Migrations that the running (older) code survives while they run: add first, remove later (issue 15).

During an upgrade the old code keeps serving until the migration has finished and the servers reload.
So a release may add tables, nullable columns and columns with a database default; it may not drop or
rename what the old code reads, nor add a NOT NULL column the old code's INSERTs would leave empty
(Django drops a Python `default` from the table after filling existing rows). docs/upgrades.md says
how to do each of those in two releases. A migration that must break the rule is listed in ALLOWED
with its reason.
"""

from django.db import migrations
from django.db.migrations.loader import MigrationLoader
from django.db.models import NOT_PROVIDED

OUR_APPS = {"branches", "notifications", "cultivation", "evaluations", "planning", "dissemination", "dashboards",
            "bench"}
BEFORE_THE_RULE = "发布于本规则之前（issue 15），已在全部部署上运行完毕"
ALLOWED = {
    ("cultivation", "0010_notifications_moved"): "只删除模型状态：表已在 0009 改名并移交 notifications 应用",
    ("cultivation", "0011_reminders_moved"): "只删除模型状态：表移交 notifications 应用",
}
FIRST_SAFE = {  # migrations before these were written before the rule
    "branches": "0004", "cultivation": "0014", "notifications": "0003", "evaluations": "0003",
}


def database_operations(operations):
    for operation in operations:
        if isinstance(operation, migrations.SeparateDatabaseAndState):
            yield from database_operations(operation.database_operations)
        else:
            yield operation


def unsafe(operation, created):
    if isinstance(operation, (migrations.RemoveField, migrations.DeleteModel, migrations.RenameField,
                              migrations.RenameModel, migrations.AlterModelTable)):
        return type(operation).__name__
    if isinstance(operation, (migrations.AddField, migrations.AlterField)) and operation.model_name not in created:
        field = operation.field
        if not field.null and field.db_default is NOT_PROVIDED and not field.many_to_many:
            if isinstance(operation, migrations.AddField):
                return f"AddField {operation.name}: NOT NULL without db_default"
            if field.default is NOT_PROVIDED:
                return f"AlterField {operation.name}: NOT NULL without a default"
    return None


def test_every_migration_of_a_release_keeps_the_old_code_working():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    offenders = []
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        if app not in OUR_APPS or (app, name) in ALLOWED or name < FIRST_SAFE.get(app, "0000"):
            continue
        created = {op.name.lower() for op in migration.operations if isinstance(op, migrations.CreateModel)}
        for operation in database_operations(migration.operations):
            problem = unsafe(operation, created)
            if problem:
                offenders.append(f"{app}.{name}: {problem}")
    assert not offenders, "迁移会让正在运行的旧版本出错（见 docs/upgrades.md）：\n" + "\n".join(offenders)


def test_the_rule_catches_what_it_is_for():
    from django.db import models

    assert unsafe(migrations.RemoveField("project", "title"), set())
    assert unsafe(migrations.AddField("project", "score", models.IntegerField(default=0)), set())
    assert not unsafe(migrations.AddField("project", "score", models.IntegerField(null=True)), set())
    assert not unsafe(migrations.AddField("project", "score", models.IntegerField(db_default=0)), set())
    assert not unsafe(migrations.AddField("newthing", "score", models.IntegerField()), {"newthing"})

# Report reminders become keys of notifications.Reminder ("report/<project id>/<due date>/<kind>", as
# cultivation.reports.reminder_key writes them), so a reminder sent before the move is not sent again
# after it. Cultivation lets go of the model; the table stays for the release still serving (its daily
# send_reminders and admin read it) and goes in the next release.

import datetime

from django.db import migrations

PREFIX = 'report/'


def reminders_to_keys(apps, schema_editor):
    db = schema_editor.connection.alias
    Old = apps.get_model('cultivation', 'Reminder')
    New = apps.get_model('notifications', 'Reminder')
    New.objects.using(db).bulk_create(
        (New(key=f'{PREFIX}{row.project_id}/{row.period_due:%Y-%m-%d}/{row.kind}', created_at=row.sent_at)
         for row in Old.objects.using(db).order_by('pk').iterator()),
        batch_size=500, ignore_conflicts=True)


def keys_to_reminders(apps, schema_editor):
    db = schema_editor.connection.alias
    Old = apps.get_model('cultivation', 'Reminder')
    New = apps.get_model('notifications', 'Reminder')
    Project = apps.get_model('cultivation', 'Project')
    if Old._meta.db_table not in schema_editor.connection.introspection.table_names():
        return  # dropped by this migration as it was first written; the keys stay the only record
    keys = New.objects.using(db).filter(key__startswith=PREFIX)
    projects = set(Project.objects.using(db).values_list('pk', flat=True))
    for reminder in keys.order_by('pk').iterator():
        project_id, due, kind = reminder.key[len(PREFIX):].split('/')
        if int(project_id) not in projects:
            continue  # the project was deleted since; the old table's foreign key would refuse the row
        row = Old.objects.using(db).create(project_id=int(project_id), period_due=datetime.date.fromisoformat(due),
                                           kind=kind)
        # sent_at is auto_now_add: set the original time afterwards.
        Old.objects.using(db).filter(pk=row.pk).update(sent_at=reminder.created_at)
    keys.delete()


def let_go_of_projects(apps, schema_editor):
    """The kept table no longer holds projects in place: Django does not know it any more, so its foreign key
    would stop `flush` (TRUNCATE) and the deletion of a project. The old release's INSERTs need none of it."""
    connection = schema_editor.connection
    Old = apps.get_model('cultivation', 'Reminder')
    if Old._meta.db_table not in connection.introspection.table_names():
        return
    if connection.vendor != 'postgresql':
        # SQLite cannot drop a constraint in place, and no older release serves from it while it migrates
        # (development and tests): the table goes, as this migration first did.
        schema_editor.delete_model(Old)
        return
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Old._meta.db_table)
    for name, constraint in constraints.items():
        if constraint['foreign_key']:
            schema_editor.execute(f'ALTER TABLE cultivation_reminder DROP CONSTRAINT {schema_editor.quote_name(name)}')


def take_back(apps, schema_editor):
    """Going back: the table is there again for cultivation (SQLite dropped it; PostgreSQL kept it)."""
    Old = apps.get_model('cultivation', 'Reminder')
    if Old._meta.db_table not in schema_editor.connection.introspection.table_names():
        schema_editor.create_model(Old)


class Migration(migrations.Migration):

    dependencies = [
        ('cultivation', '0010_notifications_moved'),
        ('notifications', '0002_reminder'),
    ]

    operations = [
        migrations.RunPython(reminders_to_keys, keys_to_reminders),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Reminder')],
            database_operations=[migrations.RunPython(let_go_of_projects, take_back)]),
    ]

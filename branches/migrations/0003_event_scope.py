"""Events learn which organization they are about (Event.scope), so staff read only their sub-tree's.
Rows written before are given theirs by following their object the way branches.audit.scope_of does."""

from django.db import migrations, models

from branches.expand import add_field_with_db_default

STEPS = ("organization", "project", "owner", "batch", "round", "notice", "report")


def scope_of(target):
    for _ in range(len(STEPS)):
        if target is None:
            return ""
        if target._meta.model_name == "organization" and target._meta.app_label == "branches":
            return target.path
        target = next((getattr(target, step) for step in STEPS if hasattr(target, step)), None)
    return ""


def give_scopes(apps, schema_editor):
    Event = apps.get_model("branches", "Event")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for content_type in ContentType.objects.filter(pk__in=Event.objects.values("content_type_id")):
        try:
            model = apps.get_model(content_type.app_label, content_type.model)
        except LookupError:
            continue  # a model that no longer exists: its events stay unscoped (superusers read them)
        ids = set(Event.objects.filter(content_type=content_type).values_list("object_id", flat=True))
        targets = model._base_manager.in_bulk([pk for pk in ids if pk.isdigit()])
        by_scope = {}
        for pk, target in targets.items():
            by_scope.setdefault(scope_of(target)[:255], []).append(str(pk))
        for scope, object_ids in by_scope.items():
            if scope:
                Event.objects.filter(content_type=content_type, object_id__in=object_ids, scope="").update(scope=scope)


class Migration(migrations.Migration):
    # Not one transaction: the column comes at once (a constant DEFAULT rewrites nothing), then each scope's
    # UPDATE commits by itself. In one transaction the ALTER's lock on the event table was held through the
    # whole backfill, and every page of the serving release that shows a history waited for it (a page
    # timed out with 300,000 events in `make upgrade-check --events`). The backfill only fills empty
    # scopes, so it can run again.
    atomic = False
    dependencies = [("branches", "0002_ministry_kind"), ("cultivation", "0012_batch_owner"),
                    ("evaluations", "0002_seven_capabilities"), ("contenttypes", "0002_remove_content_type_name")]

    operations = [
        # The release before this one logs events without a scope: its INSERTs take the table's DEFAULT.
        add_field_with_db_default(
            "event", "scope",
            models.CharField(blank=True, db_index=True, editable=False, max_length=255, verbose_name="所属范围"),
            db_default=""),
        migrations.RunPython(give_scopes, migrations.RunPython.noop),
    ]

"""Every batch gets the organization that runs it. Batches made before this belonged to nobody; in a
deployment of one school they are that school's, so each is given the first school 党委 of the tree
(or, in a tree without one, its first root)."""

import django.db.models.deletion
from django.db import migrations, models

LEVELS = {"school": "school", "upper": "province", "ministry": "national"}


def give_owners(apps, schema_editor):
    Batch = apps.get_model("cultivation", "Batch")
    Organization = apps.get_model("branches", "Organization")
    if not Batch.objects.exists():
        return
    owner = (Organization.objects.filter(kind="school").order_by("path").first()
             or Organization.objects.filter(parent__isnull=True).order_by("path").first())
    if owner is None:
        raise RuntimeError("培育批次需要主办单位，但组织树为空：请先导入组织名册再迁移")
    Batch.objects.filter(owner__isnull=True).update(owner=owner, level=LEVELS.get(owner.kind, "school"))


class Migration(migrations.Migration):
    dependencies = [("branches", "0002_ministry_kind"), ("cultivation", "0011_reminders_moved")]

    operations = [
        migrations.AddField(
            model_name="batch",
            name="owner",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="owned_batches",
                                    to="branches.organization", verbose_name="主办单位"),
        ),
        migrations.RunPython(give_owners, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="batch",
            name="owner",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="owned_batches",
                                    to="branches.organization", verbose_name="主办单位"),
        ),
        migrations.AlterField(
            model_name="batch",
            name="level",
            field=models.CharField(choices=[("school", "校级"), ("province", "省级"), ("national", "国家级")],
                                   default="school", editable=False, max_length=12, verbose_name="级别"),
        ),
    ]

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cultivation", "0012_batch_owner")]

    operations = [
        migrations.AddField(
            model_name="project",
            name="source",
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="carried_by", to="cultivation.project",
                                    verbose_name="推荐依据（下一级培育项目）"),
        ),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("branches", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="organization",
            name="kind",
            field=models.CharField(choices=[
                ("ministry", "教育部党组（国家级）"), ("upper", "上级党组织"), ("school", "学校党委"), ("committee", "基层党委"),
                ("general", "党总支"), ("direct", "直属党支部"), ("branch", "党支部")],
                max_length=16, verbose_name="组织类型"),
        ),
    ]

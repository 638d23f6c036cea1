from django.db import migrations, models


def drop_copies_of_the_official_calendar(apps, schema_editor):
    """Rows typed by hand that say what the official calendar says: the package now gives them, and
    left here they would freeze that day against a later correction of the package."""
    from chinese_calendar import constants as official

    known = {day.year for day in official.holidays} | {day.year for day in official.workdays}
    Holiday = apps.get_model("cultivation", "Holiday")
    copies = []
    for pk, day, is_workday in Holiday.objects.values_list("pk", "date", "is_workday"):
        if day.year not in known:
            continue
        official_working = day in official.workdays or (day not in official.holidays and day.weekday() < 5)
        if is_workday == official_working:
            copies.append(pk)
    Holiday.objects.filter(pk__in=copies).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('cultivation', '0003_progress_reports'),
    ]

    operations = [
        migrations.CreateModel(
            name='HolidayYear',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(unique=True, verbose_name='年度')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='说明')),
            ],
            options={
                'verbose_name': '本地录入的节假日年度',
                'verbose_name_plural': '本地录入的节假日年度',
                'ordering': ['year'],
            },
        ),
        migrations.AlterModelOptions(
            name='holiday',
            options={'ordering': ['date'], 'verbose_name': '节假日（本地调整）', 'verbose_name_plural': '节假日（本地调整）'},
        ),
        migrations.AlterField(
            model_name='holiday',
            name='is_workday',
            field=models.BooleanField(default=False, help_text='勾选：当天上班（如调休）；不勾选：当天放假', verbose_name='上班'),
        ),
        migrations.RunPython(drop_copies_of_the_official_calendar, migrations.RunPython.noop),
    ]

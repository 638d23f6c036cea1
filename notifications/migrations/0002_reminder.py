# The once-only ledger of reminders, for every app; cultivation/0011 copies the report reminders into it.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='Reminder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=200, unique=True, verbose_name='提醒标识')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False,
                                                    verbose_name='发送时间')),
            ],
            options={
                'verbose_name': '已发提醒',
                'verbose_name_plural': '已发提醒',
                'ordering': ['-created_at', '-id'],
            },
        ),
    ]

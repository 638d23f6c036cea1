# Notification and OutboundEmail were cultivation's (tables renamed in cultivation/0009): this app takes
# them over in the migration state only, the rows stay where they are.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ['notification', 'outboundemail']


def move_content_types(apps, schema_editor):
    # Events point at their target through its content type: moving the type keeps every
    # "阅读通知" event pointing at its notification, and the permissions with it.
    ContentType = apps.get_model('contenttypes', 'ContentType')
    db = schema_editor.connection.alias
    taken = set(ContentType.objects.using(db).filter(app_label='notifications').values_list('model', flat=True))
    ContentType.objects.using(db).filter(app_label='cultivation', model__in=set(MOVED) - taken).update(
        app_label='notifications')


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    db = schema_editor.connection.alias
    taken = set(ContentType.objects.using(db).filter(app_label='cultivation').values_list('model', flat=True))
    ContentType.objects.using(db).filter(app_label='notifications', model__in=set(MOVED) - taken).update(
        app_label='cultivation')


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cultivation', '0009_notification_tables_renamed'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='标题')),
                        ('body', models.TextField(blank=True, verbose_name='内容')),
                        ('url', models.CharField(blank=True, max_length=300, verbose_name='链接')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='时间')),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='已读时间')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                   related_name='notifications', to=settings.AUTH_USER_MODEL,
                                                   verbose_name='收件人')),
                    ],
                    options={
                        'verbose_name': '站内通知',
                        'verbose_name_plural': '站内通知',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['user', 'read_at'], name='notificatio_user_id_47e85c_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='OutboundEmail',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name='ID')),
                        ('to', models.EmailField(max_length=254, verbose_name='收件地址')),
                        ('subject', models.CharField(max_length=200, verbose_name='主题')),
                        ('body', models.TextField(verbose_name='正文')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='发送时间')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='尝试次数')),
                        ('next_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='下次尝试')),
                        ('last_error', models.CharField(blank=True, max_length=300, verbose_name='最近错误')),
                        ('claimed_by', models.CharField(blank=True, max_length=32, verbose_name='发送进程')),
                        ('claimed_at', models.DateTimeField(blank=True, null=True, verbose_name='领取时间')),
                    ],
                    options={
                        'verbose_name': '待发邮件',
                        'verbose_name_plural': '待发邮件',
                        'ordering': ['created_at'],
                        'indexes': [models.Index(fields=['sent_at', 'next_attempt_at'],
                                                 name='notificatio_sent_at_a7803a_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]

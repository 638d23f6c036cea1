# Step 3 of 3 (see 0009): cultivation lets go of Notification and OutboundEmail in the migration state
# only; notifications/0001 owns them now, and the tables stay.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cultivation', '0009_notification_tables_renamed'),
        ('notifications', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='Notification'),
                migrations.DeleteModel(name='OutboundEmail'),
            ],
            database_operations=[],
        ),
    ]

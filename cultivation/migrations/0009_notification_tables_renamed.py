# The inbox and the outbox move to the `notifications` app (issue 9). Step 1 of 3: their tables take
# the names they will have there, while cultivation still owns them, so that at every step every model
# in the migration state names a table that exists (and `migrate cultivation 0008` undoes it cleanly).
# Step 2 is notifications/0001_initial, step 3 cultivation/0010_notifications_moved.
# The release still serving during the upgrade reads and writes the old names: on PostgreSQL they stay,
# as views of the renamed tables, until the next release drops them (branches.expand).

from django.db import migrations

from branches.expand import RenameTableKeepingOldName


class Migration(migrations.Migration):

    dependencies = [
        ('cultivation', '0008_acceptance_override'),
    ]

    operations = [
        RenameTableKeepingOldName(name='notification', table='notifications_notification'),
        RenameTableKeepingOldName(name='outboundemail', table='notifications_outboundemail'),
        # The names Django derives from the new table names, so notifications' models match the indexes.
        migrations.RenameIndex(model_name='notification', new_name='notificatio_user_id_47e85c_idx',
                               old_name='cultivation_user_id_960382_idx'),
        migrations.RenameIndex(model_name='outboundemail', new_name='notificatio_sent_at_a7803a_idx',
                               old_name='cultivation_sent_at_6f37d5_idx'),
    ]

import pytest
from django.urls import reverse

from notifications.models import OutboundEmail, Reminder

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["outboundemail", "reminder"])
def test_staff_can_look_up_mail_and_reminders_in_the_admin_but_not_change_them(client_for, tree, model):
    tree.staff.is_staff = tree.staff.is_superuser = True
    tree.staff.save()
    OutboundEmail.objects.create(to="zhang@example.edu.cn", subject="【样板党支部培育】提醒", body="正文")
    Reminder.objects.create(key="report/1/2019-07-25/overdue")
    client = client_for(tree.staff)
    assert client.get(reverse(f"admin:notifications_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:notifications_{model}_add")).status_code == 403

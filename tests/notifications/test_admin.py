import pytest
from django.urls import reverse

from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


def test_staff_can_look_up_mail_in_the_admin_but_not_change_it(client_for, tree):
    tree.staff.is_staff = tree.staff.is_superuser = True
    tree.staff.save()
    OutboundEmail.objects.create(to="zhang@example.edu.cn", subject="【样板党支部培育】提醒", body="正文")
    client = client_for(tree.staff)
    assert client.get(reverse("admin:notifications_outboundemail_changelist")).status_code == 200
    assert client.get(reverse("admin:notifications_outboundemail_add")).status_code == 403

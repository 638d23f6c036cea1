import datetime
import smtplib

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from notifications import services
from notifications.models import Notification, OutboundEmail

pytestmark = pytest.mark.django_db


def test_a_notification_reaches_the_inbox_and_the_mail_after_commit(tree, django_capture_on_commit_callbacks):
    tree.secretary.email = "zhang@example.edu.cn"
    tree.secretary.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([tree.secretary], title="申报已退回", body="请补充经验", url="/cultivation/projects/1/")
    assert Notification.objects.get(user=tree.secretary).title == "申报已退回"
    assert len(mail.outbox) == 1 and "申报已退回" in mail.outbox[0].subject
    assert OutboundEmail.objects.get().sent_at is not None


def test_an_unreachable_mail_server_delays_the_mail_without_failing_the_action(
        tree, settings, monkeypatch, django_capture_on_commit_callbacks):
    tree.secretary.email = "zhang@example.edu.cn"
    tree.secretary.save()

    def refuse(*args, **kwargs):
        raise smtplib.SMTPConnectError(421, "unreachable")

    monkeypatch.setattr(services, "send_mail", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([tree.secretary], title="申报已退回")
    queued = OutboundEmail.objects.get()
    assert queued.sent_at is None and queued.attempts == 1 and "unreachable" in queued.last_error
    assert Notification.objects.filter(user=tree.secretary).exists()
    monkeypatch.undo()
    call_command("send_outbox")  # too early: the retry waits
    assert OutboundEmail.objects.get().sent_at is None
    services.send_pending(now=timezone.now() + datetime.timedelta(minutes=5))
    assert OutboundEmail.objects.get().sent_at is not None and len(mail.outbox) == 1
    services.send_pending(now=timezone.now() + datetime.timedelta(hours=1))
    assert len(mail.outbox) == 1  # never twice

"""Two mail senders at once (the after-commit send and `send_outbox`, or two cron runs): every mail goes
out exactly once. Real threads, each with its own connection, on SQLite and PostgreSQL alike."""

import datetime
from collections import Counter

import pytest
from django.utils import timezone

from notifications import services
from notifications.models import OutboundEmail
from tests.notifications import slow_mail
from tests.security.test_races import race

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def slow_backend(settings):
    settings.EMAIL_BACKEND = "tests.notifications.slow_mail.SlowBackend"
    slow_mail.SENT.clear()
    yield slow_mail.SENT
    slow_mail.SENT.clear()


def queue(count):
    mails = OutboundEmail.objects.bulk_create(
        OutboundEmail(to=f"user{n}@example.edu.cn", subject=f"通知{n}", body="正文") for n in range(count))
    return [mail.pk for mail in OutboundEmail.objects.filter(subject__in=[m.subject for m in mails])]


def test_two_senders_at_once_send_every_mail_exactly_once(slow_backend):
    ids = queue(30)
    # The after-commit send of these ids, the cron's send_outbox, and a second cron run that overlapped.
    results = race(lambda: services.send_pending(ids=ids), services.send_pending, services.send_pending)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == 30
    assert Counter(slow_backend) == Counter(f"通知{n}" for n in range(30))
    assert OutboundEmail.objects.filter(sent_at__isnull=True).count() == 0
    assert not OutboundEmail.objects.exclude(claimed_by="").exists()


def test_a_crashed_senders_claim_expires_and_the_mail_goes_out_later(slow_backend):
    [crashed, working] = queue(2)
    now = timezone.now()
    OutboundEmail.objects.filter(pk=crashed).update(claimed_by="dead", claimed_at=now - datetime.timedelta(hours=1))
    OutboundEmail.objects.filter(pk=working).update(claimed_by="busy", claimed_at=now - datetime.timedelta(minutes=1))
    assert services.send_pending(now=now) == 1
    assert slow_backend == ["通知0"]
    assert OutboundEmail.objects.get(pk=working).sent_at is None  # still another sender's
    assert services.send_pending(now=now + services.CLAIM_EXPIRES + datetime.timedelta(minutes=1)) == 1
    assert slow_backend == ["通知0", "通知1"]

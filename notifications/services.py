"""Every write of notifications: an inbox row per person and a queued mail, both in the caller's
transaction; mail leaves after commit and is retried by `send_outbox` when the server is down.
Reminders go out once per key (`remind_once`), however often and however concurrently a job runs."""

import datetime
import logging
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from branches.audit import log_event

from .models import Notification, OutboundEmail, Reminder

EVENT_LABELS = {
    "notification.read": "阅读通知",
    "notification.read_all": "全部通知标为已读",
}

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
# A sender holds its mail this long; after that a crashed sender's mail is taken by the next run.
CLAIM_EXPIRES = datetime.timedelta(minutes=15)


def notify(users, *, title, body="", url=""):
    users = {user.pk: user for user in users if user is not None}.values()
    Notification.objects.bulk_create(Notification(user=user, title=title, body=body, url=url) for user in users)
    mails = OutboundEmail.objects.bulk_create(
        OutboundEmail(to=user.email, subject=f"【样板党支部培育】{title}", body=_mail_body(body, url))
        for user in users
        if user.email
    )
    if mails:
        from .tasks import send_mail_after_commit

        send_mail_after_commit([mail.pk for mail in mails if mail.pk] or None)


def _mail_body(body, url):
    link = f"\n\n请登录系统查看：{settings.SITE_URL.rstrip('/')}{url}" if url else ""
    return f"{body}{link}\n\n（本邮件由样板党支部培育管理系统自动发送）"


def notify_gathered(users, *, title, body, url):
    """Like notify(), but at most one unread notification per person and `url`: while one is unread,
    a new event rewrites it (newest text, moved to the top) instead of adding a row or a mail. For
    events that can come in floods, such as public objections."""
    users = list({user.pk: user for user in users if user is not None}.values())
    waiting = Notification.objects.filter(user__in=users, url=url, read_at__isnull=True)
    unread = set(waiting.values_list("user_id", flat=True))
    if unread:
        waiting.update(title=title, body=body, created_at=timezone.now())
    notify([user for user in users if user.pk not in unread], title=title, body=body, url=url)


def remind_once(keys, users, *, title, body="", url=""):
    """Notify the users unless a reminder under one of the keys was sent already; True when sent.

    The keys and the notification are written in one transaction (a savepoint inside the caller's):
    a run that overlaps another fails on the unique key, writes nothing and answers False. Wrap the
    call in the caller's transaction to make its own writes (the event log) part of the same bargain.
    """
    keys = [keys] if isinstance(keys, str) else list(keys)
    try:
        with transaction.atomic():
            Reminder.objects.bulk_create(Reminder(key=key) for key in keys)
            notify(users, title=title, body=body, url=url)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def notification_read(*, notification, user):
    """Mark one of the user's own notifications read (a no-op when it already is)."""
    if notification.user_id != user.pk:
        raise PermissionDenied("只能处理自己的通知")
    changed = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    if changed:
        log_event(actor=user, action="notification.read", target=notification)
    return changed


@transaction.atomic
def notifications_read_all(*, user):
    """Mark every unread notification of the user read; returns how many."""
    changed = Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    if changed:
        log_event(actor=user, action="notification.read_all", target=user, data={"条数": changed})
    return changed


# ---- the outbox ------------------------------------------------------------------------------

def send_pending(*, ids=None, now=None):
    """Send queued mail; a failure is recorded and retried later with growing pauses. Never raises.
    Each mail is claimed before it is sent, so the after-commit send and `send_outbox` (or two cron
    runs) never send the same mail twice."""
    now = now or timezone.now()
    sender = uuid.uuid4().hex
    sent = 0
    for mail in _claim(sender=sender, ids=ids, now=now):
        # Renew the claim just before sending: a claim that expired meanwhile may have been taken over.
        if not OutboundEmail.objects.filter(pk=mail.pk, claimed_by=sender, sent_at__isnull=True).update(
                claimed_at=timezone.now()):
            continue
        try:
            send_mail(mail.subject, mail.body, None, [mail.to])
        except Exception as error:  # noqa: BLE001 - any mail failure is retried later
            pause = datetime.timedelta(minutes=2 ** mail.attempts)
            OutboundEmail.objects.filter(pk=mail.pk).update(
                attempts=F("attempts") + 1, next_attempt_at=now + pause, last_error=str(error)[:300],
                claimed_by="", claimed_at=None)
            logger.warning("mail to %s failed: %s", mail.to, error)
        else:
            OutboundEmail.objects.filter(pk=mail.pk).update(sent_at=now, attempts=F("attempts") + 1, last_error="",
                                                            claimed_by="", claimed_at=None)
            sent += 1
    return sent


def _claim(*, sender, ids, now, limit=500):
    """Mark due, unclaimed mail (or mail whose sender's claim expired) as this sender's, and return it.
    The claim is one conditional UPDATE: on SQLite writers take turns, on PostgreSQL a second UPDATE of a
    row waits for the first and re-checks its WHERE, so a row is claimed once. On PostgreSQL the rows
    are picked with FOR UPDATE SKIP LOCKED first, so a second sender takes other mail instead of waiting."""
    unclaimed = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_EXPIRES)
    due = OutboundEmail.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)).filter(unclaimed)
    if ids is not None:
        due = due.filter(pk__in=ids)
    with transaction.atomic():
        picked = due.order_by("created_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            picked = picked.select_for_update(skip_locked=True)
        pks = list(picked.values_list("pk", flat=True)[:limit])
        due.filter(pk__in=pks).update(claimed_by=sender, claimed_at=timezone.now())
    return list(OutboundEmail.objects.filter(claimed_by=sender, sent_at__isnull=True).order_by("created_at", "pk"))

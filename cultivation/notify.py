"""Notifications: an inbox row per person and a queued mail, both written in the caller's
transaction; mail leaves after commit and is retried by `send_outbox` when the server is down."""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from branches.enums import Role
from branches.models import Organization, RoleAssignment

from .models import Notification, OutboundEmail

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


def notify(users, *, title, body="", url=""):
    users = {user.pk: user for user in users if user is not None}.values()
    Notification.objects.bulk_create(Notification(user=user, title=title, body=body, url=url) for user in users)
    mails = OutboundEmail.objects.bulk_create(
        OutboundEmail(to=user.email, subject=f"【样板党支部培育】{title}", body=_mail_body(body, url))
        for user in users
        if user.email
    )
    if mails:
        ids = [mail.pk for mail in mails if mail.pk] or None
        transaction.on_commit(lambda: send_pending(ids=ids))


def _mail_body(body, url):
    link = f"\n\n请登录系统查看：{settings.SITE_URL.rstrip('/')}{url}" if url else ""
    return f"{body}{link}\n\n（本邮件由样板党支部培育管理系统自动发送）"


def send_pending(*, ids=None, now=None):
    """Send queued mail; a failure is recorded and retried later with growing pauses. Never raises."""
    now = now or timezone.now()
    pending = OutboundEmail.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    sent = 0
    for mail in pending.order_by("created_at")[:500]:
        try:
            send_mail(mail.subject, mail.body, None, [mail.to])
        except Exception as error:  # noqa: BLE001 - any mail failure is retried later
            pause = datetime.timedelta(minutes=2 ** mail.attempts)
            OutboundEmail.objects.filter(pk=mail.pk).update(
                attempts=F("attempts") + 1, next_attempt_at=now + pause, last_error=str(error)[:300])
            logger.warning("mail to %s failed: %s", mail.to, error)
        else:
            OutboundEmail.objects.filter(pk=mail.pk).update(sent_at=now, attempts=F("attempts") + 1, last_error="")
            sent += 1
    return sent


def people(organization, roles):
    """Users holding one of the roles on the organization or on an organization above it."""
    ids = organization.ancestor_ids + [organization.pk]
    user_ids = RoleAssignment.objects.filter(organization_id__in=ids, role__in=roles).values("user_id")
    return list(get_user_model().objects.filter(pk__in=user_ids, is_active=True))


def secretaries(organization):
    return people_exact(organization, Role.SECRETARY)


def people_exact(organization, role):
    user_ids = RoleAssignment.objects.filter(organization=organization, role=role).values("user_id")
    return list(get_user_model().objects.filter(pk__in=user_ids, is_active=True))


def unit_staff(organization):
    """二级党组织 staff over the organization (its unit and any 党总支 between)."""
    ids = [i for i in organization.ancestor_ids + [organization.pk]]
    units = Organization.objects.filter(pk__in=ids, depth__gte=organization.unit.depth if organization.unit else 0)
    user_ids = RoleAssignment.objects.filter(organization__in=units, role=Role.UNIT_STAFF).values("user_id")
    return list(get_user_model().objects.filter(pk__in=user_ids, is_active=True))


def school_staff(organization):
    return people(organization, [Role.ORG_STAFF])


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

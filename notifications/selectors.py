"""Reads: a user's inbox and its unread count."""

from .models import Notification


def inbox(user, *, unread_only=False):
    notifications = Notification.objects.filter(user=user)
    return notifications.filter(read_at__isnull=True) if unread_only else notifications


def unread_count(user):
    return Notification.objects.filter(user=user, read_at__isnull=True).count()

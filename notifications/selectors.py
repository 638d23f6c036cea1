"""Reads: a user's inbox and its unread count, and which reminders went out already."""

from .models import Notification, Reminder

# Keys per query when asking which reminders were sent, well under every database's parameter limit.
KEYS_PER_QUERY = 500


def inbox(user, *, unread_only=False):
    notifications = Notification.objects.filter(user=user)
    return notifications.filter(read_at__isnull=True) if unread_only else notifications


def unread_count(user):
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def reminded(keys):
    """The keys, of those given, whose reminder was sent."""
    keys = list(dict.fromkeys(keys))
    sent = set()
    for start in range(0, len(keys), KEYS_PER_QUERY):
        sent |= set(Reminder.objects.filter(key__in=keys[start:start + KEYS_PER_QUERY])
                    .values_list("key", flat=True))
    return sent

from django.utils.functional import SimpleLazyObject

from . import selectors


def inbox(request):
    """`inbox_unread` for the navbar's badge, counted only when a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"inbox_unread": 0}
    return {"inbox_unread": SimpleLazyObject(lambda: selectors.unread_count(user))}

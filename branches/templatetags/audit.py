from django import template

from branches.audit import action_label as label_of
from branches.audit import data_rows

register = template.Library()

SYSTEM = "系统"


@register.filter
def action_label(action):
    return label_of(action)


@register.filter
def person(user, nobody=SYSTEM):
    """The name a reader knows a user by; "系统" (or the given word) for a row the system wrote.

    A filter rather than `user.get_full_name|default:user.username`: Django resolves a filter's
    argument strictly, so that spelling raises (a 500) when the user is None.
    """
    if user is None or not getattr(user, "pk", None):
        return nobody
    return user.get_full_name() or user.get_username()


@register.filter
def event_data(event):
    """An event's details as (label, value) pairs in Chinese, old rows included."""
    return data_rows(event.data)

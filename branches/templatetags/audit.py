from django import template

from branches.audit import action_label as label_of

register = template.Library()


@register.filter
def action_label(action):
    return label_of(action)

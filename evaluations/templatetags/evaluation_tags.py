from django import template

from evaluations import scoring

register = template.Library()


@register.filter
def score(value):
    """A score without trailing zeros (10.00 → 10), blank for None."""
    if value in (None, ""):
        return ""
    return scoring.fmt(value)


@register.filter
def signed(value):
    if value in (None, ""):
        return ""
    text = scoring.fmt(value)
    return f"+{text}" if value > 0 else text

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


@register.filter
def share(value, maximum):
    """`value` as a percentage of `maximum` (0–100), for a bar's data-width; 0 for a blank."""
    if value in (None, "") or not maximum:
        return 0
    return scoring.fmt(scoring.quantize(max(0, min(100, value * 100 / maximum))))

"""Numbers as people read them in a table: 197,000 and 3,000.50, not 197000.

Django's zh-hans formats group no digits (THOUSAND_SEPARATOR is empty), so humanize's intcomma prints
197000 too; this filter groups by three, as the Excel exports and the 组织部's own reports do.
"""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def thousands(value, places=0):
    """`value` with thousands separators and `places` decimals; anything not a number as it is."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return value
    return f"{number:,.{int(places)}f}"

from django import template
from django.core.exceptions import ObjectDoesNotExist

register = template.Library()


@register.filter
def related_or_none(obj, name):
    """A reverse one-to-one that may not exist yet (the final report, the acceptance record), or None.

    The template language turns a missing one into `string_if_invalid`, which need not be falsy, so
    `{% if project.acceptance %}` cannot be trusted to mean "there is a record"."""
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None

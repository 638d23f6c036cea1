from django import template
from django.core.exceptions import ObjectDoesNotExist

from .. import levels

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


@register.filter
def state_label(project):
    """The project's state as its batch's level says it (`cultivation.levels`); the batch is loaded with
    the project wherever a list shows states."""
    return levels.state_label(project.state, project.batch.level)


@register.filter
def organizer_of(batch):
    return levels.organizer(batch.level)


@register.filter
def recommender_of(batch):
    return levels.recommender(batch.level)


@register.filter
def move_label(move, project):
    return levels.move_label(move, project.batch.level)

"""The one way to write the event log. Call it inside the transaction of the change it records."""

import contextvars
import functools

from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from .models import Event

COMMAND_LINE = "命令行"
_source = contextvars.ContextVar("event_source", default=COMMAND_LINE)

# The Chinese labels of this app's actions; settings.EVENT_LABELS lists every app's, so lists read in Chinese.
EVENT_LABELS = {
    "organization.created": "新建组织",
    "organization.updated": "修改组织",
    "organization.imported": "导入组织名册",
    "organization.declared": "声明基本要求",
    "role.granted": "授予角色",
    "role.revoked": "撤销角色",
    "user.login": "登录",
    "user.login_failed": "登录失败",
    "user.logout": "退出登录",
    "system.restored": "从备份恢复",
}


def set_source(source):
    return _source.set(source)


def reset_source(token):
    _source.reset(token)


# How an event's object leads to the organization it is about: a project to its branch, a report to its
# project, a batch to its owner, a round or a notice to its batch, a score sheet to its project.
SCOPE_STEPS = ("organization", "project", "owner", "batch", "round", "notice", "report")


def scope_of(target, steps=SCOPE_STEPS):
    """The tree path of the organization `target` is about, or "" when it is about none."""
    from .models import Organization

    for _ in range(len(steps)):
        if target is None:
            return ""
        if isinstance(target, Organization):
            return target.path
        target = next((getattr(target, step) for step in steps if hasattr(target, step)), None)
    return ""


def log_event(*, actor, action, target=None, data=None):
    if actor is not None and not actor.is_authenticated:
        actor = None
    content_type = ContentType.objects.get_for_model(target) if target is not None else None
    return Event.objects.create(
        actor=actor,
        action=action,
        content_type=content_type,
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:200] if target is not None else "",
        data=data or {},
        source=_source.get()[:64],
        scope=scope_of(target)[:255],
    )


def log_events(*, actor, action, targets, data_for):
    """Many events in one insert, e.g. one per organization of an import."""
    if not targets:
        return []
    content_type = ContentType.objects.get_for_model(targets[0])
    source = _source.get()[:64]
    return Event.objects.bulk_create(
        Event(
            actor=actor,
            action=action,
            content_type=content_type,
            object_id=str(target.pk),
            object_repr=str(target)[:200],
            data=data_for(target),
            source=source,
            scope=scope_of(target)[:255],
        )
        for target in targets
    )


def action_labels():
    """{action: Chinese label} over every module settings.EVENT_LABELS declares."""
    from .registry import declared

    labels = {}
    for module_labels in declared("EVENT_LABELS"):
        labels.update(module_labels)
    return labels


def actions_labelled_as(action):
    """Every action shown under the same label as `action` (self.save and self.saved are both 保存自评): the
    event filter offers each label once, and choosing it finds them all."""
    labels = action_labels()
    if action not in labels:
        return [action]
    return [other for other, label in labels.items() if label == labels[action]]


def action_choices():
    """(action, label) once per label, ordered by action, for the event filter."""
    first = {}
    for action, label in sorted(action_labels().items()):
        first.setdefault(label, action)
    return sorted(((action, label) for label, action in first.items()), key=lambda item: item[0])


def action_label(action):
    return action_labels().get(action, action)


# ---- reading an event's data -----------------------------------------------------------------
# Events store their details as written at the time. Older rows (and a few writers) used field
# names and enum values ("final_grade": "excellent"); every reader goes through `data_rows`, which
# turns both into the Chinese a person reads, so old rows render right without a data migration.

DATA_APPS = ("branches", "cultivation", "evaluations")
KEY_LABELS = {"created": "新建", "updated": "更新", "unchanged": "未变"}
YES, NO = "是", "否"


@functools.cache
def _fields():
    """{field name or verbose name: (label, {value: choice label})} over the apps' models.

    The first model to claim a name wins; a value with no choice label is shown as it is.
    """
    known = {}
    for model in apps.get_models():
        if model._meta.app_label not in DATA_APPS:
            continue
        for field in model._meta.concrete_fields:
            label = str(field.verbose_name)
            choices = {str(value): str(text) for value, text in field.flatchoices} if field.choices else {}
            for key in (field.name, field.attname, label):
                entry = known.setdefault(key, (label, {}))
                for value, text in choices.items():
                    entry[1].setdefault(value, text)
    return known


def field_value(model, name, value):
    """The readable form of a field's value, for an event written now."""
    field = model._meta.get_field(name)
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _value(choices, value):
    if isinstance(value, bool):
        return YES if value else NO
    if value is None:
        return ""
    if isinstance(value, list):
        return " → ".join(_value(choices, item) or "（空）" for item in value)
    if isinstance(value, dict):
        return "；".join(f"{key}：{_value(choices, item)}" for key, item in value.items())
    text = str(value)
    return choices.get(text, text)


def data_rows(data):
    """An event's data as [(label, text)] in Chinese: keys and enum values mapped to their labels."""
    if not isinstance(data, dict):
        return []
    rows = []
    for key, value in data.items():
        label, choices = _fields().get(key, (KEY_LABELS.get(key, key), {}))
        rows.append((label, _value(choices, value)))
    return rows

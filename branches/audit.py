"""The one way to write the event log. Call it inside the transaction of the change it records."""

import contextvars

from django.contrib.contenttypes.models import ContentType

from .models import Event

COMMAND_LINE = "命令行"
_source = contextvars.ContextVar("event_source", default=COMMAND_LINE)

# Every app registers the Chinese labels of its actions here, so lists read in Chinese.
ACTION_LABELS = {
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
        )
        for target in targets
    )


def action_label(action):
    return ACTION_LABELS.get(action, action)

"""Writes to applications and their featured activities (state changes live in workflow.py)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from branches.audit import log_event

from .enums import EDITABLE_STATES, Actor
from .models import FeaturedActivity, Project
from .workflow import MoveRefused, actor_roles

APPLICATION_FIELDS = ["title", "concept", "practice", "experience", "plan"]


@transaction.atomic
def project_create(*, batch, organization, actor, activities=(), **application):
    """A secretary (or staff above the branch) starts the branch's application in a batch."""
    project = Project(batch=batch, organization=organization, unit=organization.unit or organization, created_by=actor,
                      **application)
    if not actor_roles(actor, project) & {Actor.SECRETARY, Actor.UNIT, Actor.SCHOOL}:
        raise MoveRefused("您无权为该组织申报")
    if Project.objects.filter(batch=batch, organization=organization).exists():
        raise MoveRefused("该组织在本批次已有申报，请在原申报上修改")
    project.full_clean(exclude=["created_by"])
    project.save()
    _replace_activities(project, activities)
    log_event(actor=actor, action="project.created", target=project, data={"批次": batch.name})
    return project


@transaction.atomic
def project_edit(*, project, actor, expected_version, activities=None, **application):
    """Edit a draft or returned application; a stale form is refused, never merged silently."""
    locked = Project.objects.select_for_update().select_related("organization", "batch").get(pk=project.pk)
    if Actor.SECRETARY not in actor_roles(actor, locked):
        raise MoveRefused("只有本支部书记可以修改申报书")
    if locked.state not in EDITABLE_STATES:
        raise MoveRefused("申报已提交，不能再修改；如需修改请联系二级党组织退回")
    if int(expected_version) != locked.version:
        raise MoveRefused("申报书已在别处被修改，请刷新页面后再编辑，以免覆盖他人的修改")
    changed = [field for field in APPLICATION_FIELDS if field in application and getattr(locked, field) != application[field]]
    for field in APPLICATION_FIELDS:
        if field in application:
            setattr(locked, field, application[field])
    try:
        locked.full_clean(exclude=["created_by"])
    except ValidationError as error:
        raise MoveRefused("；".join(error.messages))
    locked.save(update_fields=APPLICATION_FIELDS + ["updated_at"])
    Project.objects.filter(pk=locked.pk).update(version=F("version") + 1)
    if activities is not None:
        _replace_activities(locked, activities)
        changed.append("特色活动")
    locked.refresh_from_db()
    log_event(actor=actor, action="project.edited", target=locked,
              data={"修改": "、".join(Project._meta.get_field(f).verbose_name if f in APPLICATION_FIELDS else f
                                     for f in changed)})
    return locked


def _replace_activities(project, activities):
    activities = list(activities)
    if len(activities) > 2:
        raise MoveRefused("特色活动最多填写2项")
    project.activities.all().delete()
    for order, activity in enumerate(activities, start=1):
        item = FeaturedActivity(project=project, order=order, **activity)
        item.full_clean()
        item.save()

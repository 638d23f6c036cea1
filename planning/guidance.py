"""The one place where guidance is recorded, difficulties are raised, answered and closed, and commendations are
recorded and published.

A difficulty's moves are data (`guidance_enums.DIFFICULTY_MOVES`); `MACHINE` gives the transition engine its
roles, its conditions (who answers depends on whom the thread is addressed to), its stamps and audiences, and
every answer, follow-up and closing note becomes a reply of the thread under the engine's lock.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from branches.audit import log_event
from branches.enums import OrgKind
from cultivation.enums import CULTIVATED_STATES, Actor, ProjectState
from cultivation.models import Project
from cultivation.workflow import actor_roles, audience
from notifications.services import notify
from transitions import engine
from transitions.refusals import MoveRefused, NotAllowed

from .guidance_enums import DIFFICULTY_MOVES, CommendationSubject, DifficultyState, GuidanceKind
from .models_guidance import Commendation, Difficulty, DifficultyReply, Guidance

# Guidance and new difficulties belong to the building years; after the verdict the records are only read.
GUIDED_STATES = CULTIVATED_STATES - {ProjectState.ACCEPTED, ProjectState.FAILED}
PROJECT_RELATED = ("organization", "batch__owner", "unit")


def guidance_url(project):
    return f"/planning/projects/{project.pk}/guidance/"


def difficulty_url(difficulty):
    return f"{guidance_url(difficulty.project)}#difficulty-{difficulty.pk}"


def _clean(row, exclude=()):
    try:
        row.full_clean(exclude=list(exclude))
    except ValidationError as error:
        # Name the field: "此字段不能为空" alone does not say which one.
        raise MoveRefused("；".join(
            f"{row._meta.get_field(name).verbose_name}：{message}" if name != "__all__" else message
            for name, messages in error.message_dict.items() for message in messages)) from None


def _project(project):
    return Project.objects.select_related(*PROJECT_RELATED).get(pk=project.pk)


def _require_guided(project, doing):
    if project.state not in CULTIVATED_STATES:
        raise MoveRefused(f"该项目尚未确定为培育对象，还不能{doing}")
    if project.state not in GUIDED_STATES:
        raise MoveRefused(f"该项目当前为“{ProjectState(project.state).label}”，培育已结束，不能再{doing}")


def guiding_side(user, project):
    """The level at which the user guides the project (组织部 before 二级党组织), or None."""
    roles = actor_roles(user, project)
    return next((side for side in (Actor.SCHOOL, Actor.UNIT) if side in roles), None)


# ---- guidance records ----------------------------------------------------------------------------

@transaction.atomic
def guidance_record(*, project, actor, kind, held_on, guides, notes):
    """Record one visit, talk or on-site guidance; the branch's secretary hears of it."""
    project = _project(project)
    side = guiding_side(actor, project)
    if side is None:
        raise NotAllowed("只有二级党组织和党委组织部可以记录跟踪指导")
    _require_guided(project, "记录跟踪指导")
    if held_on and held_on > timezone.localdate():
        raise MoveRefused("指导日期不能晚于今天")
    row = Guidance(project=project, kind=kind or "", held_on=held_on, guides=(guides or "").strip(),
                   notes=(notes or "").strip(), side=side, recorded_by=actor)
    _clean(row, exclude=["project", "recorded_by"])
    row.save()
    log_event(actor=actor, action="guidance.recorded", target=row, data={
        "项目": str(project), "指导方式": GuidanceKind(row.kind).label, "日期": row.held_on.isoformat(),
        "指导层级": Actor(side).label, "指导人员": row.guides})
    notify([person for person in audience(project, [Actor.SECRETARY]) if person.pk != actor.pk],
           title=f"{project.organization.name}：{Actor(side).label}记录了一次{row.get_kind_display()}",
           body=f"{row.held_on:%Y年%m月%d日}，{row.guides}。{row.notes[:200]}", url=guidance_url(project))
    return row


# ---- difficulty threads --------------------------------------------------------------------------

def answering_level(project):
    """Whom a new difficulty goes to: 组织部 for a 直属党支部 or where no 二级党组织 staff are above the
    branch, else the 二级党组织."""
    if project.organization.kind == OrgKind.DIRECT_BRANCH or not audience(project, [Actor.UNIT]):
        return Actor.SCHOOL
    return Actor.UNIT


@transaction.atomic
def difficulty_raise(*, project, actor, title, text):
    project = _project(project)
    if Actor.SECRETARY not in actor_roles(actor, project):
        raise NotAllowed("只有本支部书记可以提出困难和问题")
    _require_guided(project, "提出困难和问题")
    row = Difficulty(project=project, title=(title or "").strip(), text=(text or "").strip(),
                     addressed_to=answering_level(project), raised_by=actor)
    _clean(row, exclude=["project", "raised_by", "closed_by"])
    row.save()
    log_event(actor=actor, action="difficulty.raised", target=row, data={
        "项目": str(project), "问题": row.title, "提交给": Actor(row.addressed_to).label})
    notify([person for person in audience(project, [row.addressed_to]) if person.pk != actor.pk],
           title=f"{project.organization.name}提出困难和问题：{row.title}", body=row.text[:300],
           url=difficulty_url(row))
    return row


def _condition(difficulty, move, roles, today):
    """Once a thread is with 组织部, the 二级党组织 no longer answers or closes it, nor passes it up again."""
    with_school = difficulty.addressed_to == Actor.SCHOOL
    if move.name == "escalate" and with_school:
        raise MoveRefused("该问题已由党委组织部办理，无需再提请协调")
    if move.name in ("answer", "close") and with_school and not roles & {Actor.SCHOOL, Actor.SECRETARY}:
        raise MoveRefused("该问题已提请党委组织部协调，由组织部答复和关闭")


def _side(actor, difficulty, move):
    if move.name == "follow_up":
        return Actor.SECRETARY
    roles = actor_roles(actor, difficulty.project) & set(move.actors)
    return next(side for side in (Actor.SCHOOL, Actor.UNIT, Actor.SECRETARY) if side in roles)


def _stamp(difficulty, change):
    if change.move.name == "escalate":
        change.writes["addressed_to"] = Actor.SCHOOL
        change.data["提交给"] = Actor.SCHOOL.label
    if change.move.name == "close":
        change.writes.update(closed_at=timezone.now(), closed_by=change.actor)


def _reply(difficulty, change):
    if change.reason:
        DifficultyReply.objects.create(difficulty=difficulty, move=change.move.name, text=change.reason,
                                       side=_side(change.actor, difficulty, change.move), author=change.actor)


def _audience(difficulty, change):
    name = change.move.name
    if name == "answer":
        actors = [Actor.SECRETARY]
    elif name == "follow_up":
        actors = [difficulty.addressed_to]
    elif name == "escalate":
        actors = [Actor.SCHOOL, Actor.SECRETARY, Actor.UNIT]
    else:
        actors = [Actor.SECRETARY, difficulty.addressed_to]
    return audience(difficulty.project, actors)


def _message(difficulty, change):
    organization = difficulty.project.organization
    return (f"{organization.name}：困难问题“{difficulty.title}”{change.move.done}", change.reason[:300],
            difficulty_url(difficulty))


MACHINE = engine.Machine(
    model=Difficulty, states=DifficultyState, moves=DIFFICULTY_MOVES, prefix="difficulty", noun="问题",
    roles=lambda user, difficulty: actor_roles(user, difficulty.project), conditions=(_condition,),
    stamp=_stamp, audience=_audience, message=_message,
    related=tuple(f"project__{name}" for name in PROJECT_RELATED),
    reason_label="内容", reason_missing="{label}须填写内容", reason_max=2000,
    context=lambda difficulty: {"项目": str(difficulty.project), "问题": difficulty.title},
)


def difficulty_move(*, difficulty, name, actor, text="", expected_version=None):
    """Make the named move of the thread; its text (an answer, a follow-up, a note) becomes a reply."""
    if name not in DIFFICULTY_MOVES:
        raise MoveRefused("没有这项操作")
    return engine.run(MACHINE, difficulty, name, actor=actor, reason=text, expected_version=expected_version,
                      before=_reply)


def allowed_difficulty_moves(user, difficulty):
    return engine.allowed(MACHINE, user, difficulty)


# ---- commendations -------------------------------------------------------------------------------

def _require_commender(actor, project):
    if Actor.SCHOOL not in actor_roles(actor, project):
        raise NotAllowed("只有党委组织部可以记录和发布表彰奖励")


@transaction.atomic
def commendation_record(*, project, actor, subject, title, level, awarded_on, person_name="", person_role="",
                        conferred_by="", citation=""):
    """Record a commendation of an accepted project's organization, or of one of its 党员骨干; unpublished."""
    project = _project(project)
    _require_commender(actor, project)
    if project.state != ProjectState.ACCEPTED:
        raise MoveRefused(f"表彰奖励须来自已通过验收的培育项目；{project.organization.name}的项目当前为"
                          f"“{ProjectState(project.state).label}”")
    person = subject == CommendationSubject.PERSON
    person_name, person_role = (person_name or "").strip(), (person_role or "").strip()
    if person and not person_name:
        raise MoveRefused("表彰个人须填写姓名")
    row = Commendation(project=project, subject=subject or "", title=(title or "").strip(), level=level or "",
                       awarded_on=awarded_on, person_name=person_name if person else "",
                       person_role=person_role if person else "", conferred_by=(conferred_by or "").strip(),
                       citation=(citation or "").strip(), recorded_by=actor)
    _clean(row, exclude=["project", "recorded_by", "published_by"])
    row.save()
    log_event(actor=actor, action="commendation.recorded", target=row, data={
        "项目": str(project), "表彰对象": row.person_label or project.organization.name, "荣誉称号": row.title,
        "表彰级别": row.get_level_display(), "表彰日期": row.awarded_on.isoformat()})
    return row


def _lock_commendation(commendation, actor):
    locked = (Commendation.objects.select_for_update(of=("self",))
              .select_related(*(f"project__{name}" for name in PROJECT_RELATED)).get(pk=commendation.pk))
    _require_commender(actor, locked.project)
    return locked


def _label(row):
    return {"表彰对象": row.person_label or row.project.organization.name, "荣誉称号": row.title}


@transaction.atomic
def commendation_publish(*, commendation, actor):
    """Publish: from now on the commendation shows on the branch's page, its showcase entry and the booklet."""
    locked = _lock_commendation(commendation, actor)
    if locked.is_published:
        raise MoveRefused("该表彰已发布")
    locked.published_at, locked.published_by = timezone.now(), actor
    locked.save(update_fields=["published_at", "published_by"])
    log_event(actor=actor, action="commendation.published", target=locked, data=_label(locked))
    organization = locked.project.organization
    notify(audience(locked.project, [Actor.SECRETARY, Actor.UNIT]),
           title=f"{organization.name}：{locked.person_label or '集体'}获“{locked.title}”表彰",
           body=f"{locked.get_level_display()}表彰，{locked.awarded_on:%Y年%m月%d日}。",
           url=f"/organizations/{organization.pk}/#commendations")
    return locked


@transaction.atomic
def commendation_unpublish(*, commendation, actor):
    locked = _lock_commendation(commendation, actor)
    if not locked.is_published:
        raise MoveRefused("该表彰尚未发布")
    locked.published_at, locked.published_by = None, None
    locked.save(update_fields=["published_at", "published_by"])
    log_event(actor=actor, action="commendation.unpublished", target=locked, data=_label(locked))
    return locked


@transaction.atomic
def commendation_delete(*, commendation, actor):
    """Delete a commendation recorded by mistake; a published one must be taken back first."""
    locked = _lock_commendation(commendation, actor)
    if locked.is_published:
        raise MoveRefused("已发布的表彰须先撤回发布，才能删除")
    log_event(actor=actor, action="commendation.deleted", target=locked, data=_label(locked))
    locked.delete()


EVENT_LABELS = {
    **MACHINE.event_labels(),
    "guidance.recorded": "记录跟踪指导",
    "difficulty.raised": "提出困难和问题",
    "commendation.recorded": "记录表彰奖励",
    "commendation.published": "发布表彰奖励",
    "commendation.unpublished": "撤回发布表彰奖励",
    "commendation.deleted": "删除表彰奖励",
}

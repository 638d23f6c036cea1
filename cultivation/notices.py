"""Public notices (公示) and the objections lodged against them.

A notice opens on its start date and closes by itself after the batch's notice period, counted in
working days: the official calendar with local changes (cultivation/holidays.py). The same mechanism serves
the recognition shortlist, the mid-term results and the acceptance results (NoticeKind).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from branches import access
from branches.audit import ACTION_LABELS, log_event

from . import notify
from .enums import CULTIVATED_STATES, ProjectState
from .holidays import add_working_days
from .models import Notice, NoticeItem, Objection, Project
from .models.notices import NoticeKind, ObjectionOutcome
from .workflow import MoveRefused, project_url

ACTION_LABELS.update({
    "notice.published": "发布公示",
    "objection.lodged": "提出异议",
    "objection.answered": "处理异议",
})

# Objections from one address per notice within an hour; real objections are few, floods are not.
OBJECTIONS_PER_HOUR = 5

# What may stand in each kind of notice.
NOTICE_STATES = {
    NoticeKind.RECOGNITION: {ProjectState.SHORTLISTED},
    NoticeKind.MIDTERM: CULTIVATED_STATES,
    NoticeKind.ACCEPTANCE: CULTIVATED_STATES,
}


def notice_end(starts_on, working_days):
    """The last day of a notice that starts on `starts_on` and lasts `working_days` working days.

    Raises HolidaysUnknown (a MoveRefused) when the period reaches a year whose holidays are unknown."""
    return add_working_days(starts_on, working_days)


def public_url(notice):
    return f"/public/notices/{notice.pk}/"


@transaction.atomic
def notice_publish(*, batch, kind, title, body, starts_on, items, actor, contact="", today=None):
    """Publish a notice of `items` (a list of (project, note)); returns the Notice.

    The notice becomes public on `starts_on` and closes after the batch's notice period. `today`
    is for the demo's history; a notice may not start in the past.
    """
    today = today or timezone.localdate()
    if not access.is_org_staff(actor):
        raise MoveRefused("只有党委组织部可以发布公示")
    if kind not in NoticeKind.values:
        raise MoveRefused("请选择公示类型")
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise MoveRefused("请填写公示标题")
    if not body:
        raise MoveRefused("请填写公示说明")
    if starts_on is None:
        raise MoveRefused("请填写公示开始日期")
    if starts_on < today:
        raise MoveRefused("公示开始日期不能早于今天")
    items = list(items)
    if not items:
        raise MoveRefused("请至少选择一个公示对象")
    if len({project.pk for project, _ in items}) != len(items):
        raise MoveRefused("同一项目在一份公示中只能出现一次")
    # Judge each project by its row as it is now, not by what the caller holds.
    fresh = Project.objects.select_related("organization").in_bulk([project.pk for project, _ in items])
    items = [(fresh[project.pk], note) for project, note in items]
    projects = [project for project, _ in items]
    allowed = NOTICE_STATES[kind]
    for project in projects:
        if project.batch_id != batch.pk:
            raise MoveRefused(f"{project.organization.name}不属于{batch.name}")
        if project.state not in allowed:
            raise MoveRefused(f"{project.organization.name}当前状态为“{ProjectState(project.state).label}”，"
                              f"不能列入{NoticeKind(kind).label}")
        if not access.can_manage_subtree(actor, project.organization):
            raise MoveRefused(f"您无权公示{project.organization.name}")
    notice = Notice(batch=batch, kind=kind, title=title, body=body, starts_on=starts_on,
                    ends_on=notice_end(starts_on, batch.notice_working_days), contact=(contact or "").strip(),
                    published_by=actor)
    notice.full_clean(exclude=["published_by"])
    notice.save()
    NoticeItem.objects.bulk_create(
        NoticeItem(notice=notice, project=project, note=(note or "")[:300], order=order)
        for order, (project, note) in enumerate(items, start=1))
    log_event(actor=actor, action="notice.published", target=notice, data={
        "类型": NoticeKind(kind).label, "公示期": f"{notice.starts_on:%Y-%m-%d} 至 {notice.ends_on:%Y-%m-%d}",
        "公示对象": "、".join(project.organization.name for project in projects)[:1000]})
    recipients = []
    for project in projects:
        recipients += notify.secretaries(project.organization) + notify.unit_staff(project.organization)
    notify.notify([person for person in recipients if person.pk != actor.pk], title=f"公示：{title}",
                  body=f"公示期 {notice.starts_on:%Y年%m月%d日} 至 {notice.ends_on:%Y年%m月%d日}。",
                  url=public_url(notice))
    return notice


@transaction.atomic
def objection_lodge(*, notice, name, contact, content, item=None, affiliation="", source="", today=None):
    """Anyone may object during the notice period, under their real name and with a contact."""
    today = today or timezone.localdate()
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    status = notice.status_on(today)
    if status == "scheduled":
        raise MoveRefused("公示尚未开始，暂不能提出异议")
    if status == "closed":
        raise MoveRefused(f"公示已于{notice.ends_on:%Y年%m月%d日}结束，不再受理异议")
    name, contact, content = (name or "").strip(), (contact or "").strip(), (content or "").strip()
    missing = [label for value, label in [(name, "真实姓名"), (contact, "联系方式"), (content, "异议内容")] if not value]
    if missing:
        raise MoveRefused(f"请填写{'、'.join(missing)}：异议须实名提出并留下联系方式")
    if item is not None and item.notice_id != notice.pk:
        raise MoveRefused("所选公示对象不在本公示中")
    if source:
        recent = Objection.objects.filter(notice=notice, source=source,
                                          created_at__gte=timezone.now() - datetime.timedelta(hours=1)).count()
        if recent >= OBJECTIONS_PER_HOUR:
            raise MoveRefused("提交过于频繁，请一小时后再试，或通过公示所列联系方式反映")
    objection = Objection(notice=notice, item=item, name=name, contact=contact,
                          affiliation=(affiliation or "").strip(), content=content, source=source[:64])
    objection.full_clean()
    objection.save()
    log_event(actor=None, action="objection.lodged", target=notice, data={
        "针对": str(item.project.organization) if item else "整份公示", "提出人": name})
    staff = [notice.published_by] + (notify.school_staff(item.project.organization) if item else [])
    notify.notify(staff, title=f"公示收到异议：{notice.title}",
                  body=f"{name}对{item.project.organization.name if item else '本公示'}提出异议，请及时核实处理。",
                  url=f"/cultivation/notices/{notice.pk}/")
    return objection


@transaction.atomic
def objection_answer(*, objection, outcome, response, actor):
    """Staff record how an objection was handled; each is answered once and the answer is kept."""
    # Lock the objection row only: PostgreSQL cannot lock the nullable side of the outer join to `item`.
    objection = (Objection.objects.select_for_update(of=("self",))
                 .select_related("notice", "item__project__organization").get(pk=objection.pk))
    if not access.is_org_staff(actor):
        raise MoveRefused("只有党委组织部可以处理异议")
    if objection.is_answered:
        raise MoveRefused("该异议已处理，处理情况不能改写")
    if outcome not in ObjectionOutcome.values:
        raise MoveRefused("请选择处理结果")
    response = (response or "").strip()
    if not response:
        raise MoveRefused("请填写处理情况")
    objection.outcome, objection.response = outcome, response
    objection.answered_by, objection.answered_at = actor, timezone.now()
    objection.full_clean()
    objection.save()
    log_event(actor=actor, action="objection.answered", target=objection.notice, data={
        "异议": objection.content[:100], "处理结果": ObjectionOutcome(outcome).label, "处理情况": response})
    if objection.item is not None:
        # The branch hears the outcome, never who objected.
        project = objection.item.project
        notify.notify(notify.secretaries(project.organization) + notify.unit_staff(project.organization),
                      title=f"公示异议已处理：{project.organization.name}",
                      body=f"处理结果：{ObjectionOutcome(outcome).label}。{response}", url=project_url(project))
    return objection

"""Public notices (公示) and the objections lodged against them.

A notice opens on its start date and closes by itself after the batch's notice period, counted in
working days: the official calendar with local changes (cultivation/holidays.py). The same mechanism serves
the recognition shortlist, the mid-term results and the acceptance results (NoticeKind).
"""

import datetime
import hashlib
import re
import unicodedata

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from branches import access
from branches.audit import log_event
from notifications.recipients import organizers, secretaries, unit_staff
from notifications.services import notify, notify_gathered
from transitions.refusals import MoveRefused

from . import challenge as challenges
from .enums import Grade, ProjectState
from .holidays import add_working_days
from .models import Notice, NoticeItem, NoticeRevision, Objection, Project
from .models.notices import NoticeKind, NoticeRevisionKind, ObjectionOutcome
from .workflow import offender, project_url

EVENT_LABELS = {
    "notice.published": "发布公示",
    "notice.corrected": "更正公示",
    "notice.withdrawn": "撤销公示",
    "objection.lodged": "提出异议",
    "objection.answered": "处理异议",
}

# Objections one person (real name + contact) may lodge against one notice in a day: enough for a
# concern about several listed branches, few enough that one sender cannot flood from many addresses.
OBJECTIONS_PER_PERSON_PER_DAY = 5
# Objections from one address against one notice in an hour. Loose on purpose: a whole office or
# dormitory shares one NAT address, and different people there must all be able to object.
OBJECTIONS_PER_ADDRESS_PER_HOUR = 30

S = ProjectState
# The decision a results notice publishes: the project's state after it, and the grade it recorded.
DECIDED = {
    NoticeKind.MIDTERM: ({S.RECTIFYING, S.FINAL_SUBMITTED, S.ACCEPTED, S.FAILED}, "midterm_grade"),
    NoticeKind.ACCEPTANCE: ({S.ACCEPTED, S.FAILED}, "final_grade"),
}


def eligible(kind):
    """The projects that may stand in a notice of this kind, as a filter: the shortlist for 拟认定,
    and for a results notice the projects that have that decision (state and grade)."""
    if kind == NoticeKind.RECOGNITION:
        return Q(state=S.SHORTLISTED)
    states, grade_field = DECIDED[kind]
    return Q(state__in=states) & ~Q(**{grade_field: ""})


def ineligibility(kind, project):
    """Why the project may not stand in a notice of this kind, or "" when it may."""
    if kind == NoticeKind.RECOGNITION:
        if project.state != S.SHORTLISTED:
            return f"当前状态为“{ProjectState(project.state).label}”，未列入拟认定名单"
        return ""
    states, grade_field = DECIDED[kind]
    what = "中期评估" if kind == NoticeKind.MIDTERM else "验收"
    if project.state not in states or not getattr(project, grade_field):
        return f"当前状态为“{ProjectState(project.state).label}”，尚无{what}结果"
    return ""


def item_note(kind, project):
    """What a results notice says of each project when the caller gives nothing: its grade."""
    if kind == NoticeKind.MIDTERM and project.midterm_grade:
        return f"中期评估：{Grade(project.midterm_grade).label}"
    if kind == NoticeKind.ACCEPTANCE and project.final_grade:
        return f"验收等次：{Grade(project.final_grade).label}"
    return ""


def refuse_each(problems, lead):
    """One refusal naming every offending project; the page links each (views.common.refusal_message)."""
    if problems:
        raise MoveRefused(lead, offenders=[offender(project, problem) for project, problem in problems])


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
    if not access.runs(actor, batch.owner):
        raise MoveRefused("只能为本单位主办的批次发布公示")
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
    for project in projects:
        if not access.can_manage_subtree(actor, project.organization):
            raise MoveRefused(f"您无权公示{project.organization.name}")
    problems = [(project, f"不属于{batch.name}") for project in projects if project.batch_id != batch.pk]
    problems += [(project, ineligibility(kind, project)) for project in projects
                 if project.batch_id == batch.pk and ineligibility(kind, project)]
    refuse_each(problems, f"以下项目不能列入{NoticeKind(kind).label}：")
    # A results notice always says each project's result.
    items = [(project, (note or "").strip() or item_note(kind, project)) for project, note in items]
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
        recipients += secretaries(project.organization) + unit_staff(project.organization)
    notify([person for person in recipients if person.pk != actor.pk], title=f"公示：{title}",
           body=f"公示期 {notice.starts_on:%Y年%m月%d日} 至 {notice.ends_on:%Y年%m月%d日}。",
           url=public_url(notice))
    return notice


def _snapshot(notice, items):
    return {"title": notice.title, "body": notice.body, "contact": notice.contact,
            "items": [{"project": item.project_id, "name": item.project.organization.name, "note": item.note}
                      for item in items]}


def _lock_for_revision(notice, actor, reason, verb):
    """The notice, locked, once the actor may revise it; the reason, stripped."""
    if not access.is_org_staff(actor):
        raise MoveRefused(f"只有党委组织部可以{verb}公示")
    notice = Notice.objects.select_for_update(of=("self",)).select_related("batch__owner").get(pk=notice.pk)
    if not access.runs(actor, notice.batch.owner):
        raise MoveRefused(f"您无权{verb}该公示：只能{verb}本单位主办批次的公示")
    items = list(NoticeItem.objects.filter(notice=notice).select_related("project__organization")
                 .order_by("order", "id"))
    if notice.is_withdrawn:
        raise MoveRefused(f"该公示已于{timezone.localtime(notice.withdrawn_at):%Y年%m月%d日}撤销，不能再{verb}")
    reason = (reason or "").strip()
    if not reason:
        raise MoveRefused(f"{verb}公示须填写理由")
    if len(reason) > 1000:
        raise MoveRefused("理由不能超过 1000 字")
    return notice, items, reason


def _tell(notice, projects, actor, *, title, body):
    recipients = [notice.published_by]
    for project in projects:
        recipients += secretaries(project.organization) + unit_staff(project.organization)
    notify([person for person in recipients if person.pk != actor.pk], title=title, body=body,
           url=public_url(notice))


@transaction.atomic
def notice_withdraw(*, notice, reason, actor):
    """Withdraw (撤销) a published notice with a written reason. Nothing is deleted: the notice stays
    readable with its reason, takes no more objections and no longer precedes any decision."""
    notice, items, reason = _lock_for_revision(notice, actor, reason, "撤销")
    now = timezone.now()
    NoticeRevision.objects.create(notice=notice, kind=NoticeRevisionKind.WITHDRAWAL, reason=reason,
                                  previous=_snapshot(notice, items), created_by=actor)
    notice.withdrawn_at, notice.withdrawal_reason = now, reason
    notice.save(update_fields=["withdrawn_at", "withdrawal_reason"])
    log_event(actor=actor, action="notice.withdrawn", target=notice, data={"理由": reason})
    _tell(notice, [item.project for item in items if item.removed_in_id is None], actor,
          title=f"公示已撤销：{notice.title}", body=f"撤销理由：{reason}")
    return notice


@transaction.atomic
def notice_correct(*, notice, reason, actor, title, body, contact="", remove=()):
    """Correct (更正) a published notice: new title, text or contact, and/or take items out (`remove`:
    NoticeItems of this notice). The text as it stood and the removed items are kept and shown.

    A correction never adds a project: a project newly put before the public needs its own full
    notice period, so it goes into a new notice.
    """
    notice, items, reason = _lock_for_revision(notice, actor, reason, "更正")
    title, body, contact = (title or "").strip(), (body or "").strip(), (contact or "").strip()
    if not title:
        raise MoveRefused("请填写公示标题")
    if not body:
        raise MoveRefused("请填写公示说明")
    current = [item for item in items if item.removed_in_id is None]
    remove_ids = {item.pk for item in remove}
    unknown = remove_ids - {item.pk for item in current}
    if unknown:
        raise MoveRefused("所选公示对象不在本公示中")
    if len(remove_ids) >= len(current):
        raise MoveRefused("更正后公示对象不能为空；如整份公示有误，请撤销公示")
    if not remove_ids and (title, body, contact) == (notice.title, notice.body, notice.contact):
        raise MoveRefused("更正内容与原公示相同，请修改标题、说明、联系方式或移除有误的公示对象")
    revision = NoticeRevision.objects.create(notice=notice, kind=NoticeRevisionKind.CORRECTION, reason=reason,
                                             previous=_snapshot(notice, current), created_by=actor)
    removed = [item for item in current if item.pk in remove_ids]
    NoticeItem.objects.filter(pk__in=remove_ids).update(removed_in=revision)
    changes = [label for label, old, new in [("标题", notice.title, title), ("公示说明", notice.body, body),
                                             ("异议受理联系方式", notice.contact, contact)] if old != new]
    notice.title, notice.body, notice.contact = title, body, contact
    notice.corrected_at, notice.correction_reason = timezone.now(), reason
    notice.full_clean(exclude=["published_by"])
    notice.save(update_fields=["title", "body", "contact", "corrected_at", "correction_reason"])
    data = {"理由": reason, "更正内容": "、".join(changes) or "公示对象"}
    if removed:
        data["移除对象"] = "、".join(item.project.organization.name for item in removed)[:1000]
    log_event(actor=actor, action="notice.corrected", target=notice, data=data)
    _tell(notice, [item.project for item in current], actor, title=f"公示已更正：{notice.title}",
          body=f"更正理由：{reason}" + (f"；移除：{data['移除对象']}" if removed else ""))
    return notice


def identity_key(name, contact):
    """One person however they type their name and contact: width, case, spaces, dashes and a +86
    prefix do not make a new person."""
    def clean(text):
        return re.sub(r"[\s\-()（）·.]", "", unicodedata.normalize("NFKC", text or "").casefold())
    contact = clean(contact)
    contact = re.sub(r"^(\+?86)(1\d{10})$", r"\2", contact)
    return hashlib.sha256(f"{clean(name)}|{contact}".encode()).hexdigest()


def staff_notice_url(notice):
    return f"/cultivation/notices/{notice.pk}/"


@transaction.atomic
def objection_lodge(*, notice, name, contact, content, item=None, affiliation="", source="", challenge="",
                    today=None):
    """Anyone may object during the notice period, under their real name and with a contact.

    `challenge` is the nonce of the form's answered question (see cultivation/challenge.py); each is
    used once. Limits count per person and per address (see the constants above), and staff get one
    unread notification per notice that counts what waits, not one per objection.
    """
    today = today or timezone.localdate()
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.is_withdrawn:
        raise MoveRefused("该公示已撤销，不再受理异议")
    status = notice.status_on(today)
    if status == "scheduled":
        raise MoveRefused("公示尚未开始，暂不能提出异议")
    if status == "closed":
        raise MoveRefused(f"公示已于{notice.ends_on:%Y年%m月%d日}结束，不再受理异议")
    name, contact, content = (name or "").strip(), (contact or "").strip(), (content or "").strip()
    missing = [label for value, label in [(name, "真实姓名"), (contact, "联系方式"), (content, "异议内容")] if not value]
    if missing:
        raise MoveRefused(f"请填写{'、'.join(missing)}：异议须实名提出并留下联系方式")
    if item is not None and (item.notice_id != notice.pk or item.removed_in_id is not None):
        raise MoveRefused("所选公示对象不在本公示中")
    if challenge and (Objection.objects.filter(challenge=challenge).exists() or not challenges.spend(challenge)):
        # Spent here, in this transaction: a wrong answer to the same question posted at the same
        # instant either spent it first (refused here) or finds it spent. A refusal below undoes it.
        raise MoveRefused("该验证题已使用过，请回答新的验证题后再提交")
    identity = identity_key(name, contact)
    now = timezone.now()
    by_person = Objection.objects.filter(notice=notice, identity=identity,
                                         created_at__gte=now - datetime.timedelta(days=1)).count()
    if by_person >= OBJECTIONS_PER_PERSON_PER_DAY:
        raise MoveRefused(f"您今天已对本公示提出 {by_person} 条异议，请将其余意见合并填写，"
                          "或通过公示所列联系方式反映")
    if source:
        by_address = Objection.objects.filter(notice=notice, source=source,
                                              created_at__gte=now - datetime.timedelta(hours=1)).count()
        if by_address >= OBJECTIONS_PER_ADDRESS_PER_HOUR:
            raise MoveRefused("本网络地址提交过于频繁，请稍后再试，或通过公示所列联系方式反映")
    objection = Objection(notice=notice, item=item, name=name, contact=contact, identity=identity,
                          challenge=challenge[:32], affiliation=(affiliation or "").strip(), content=content,
                          source=source[:64])
    objection.full_clean(exclude=["challenge"])
    try:
        with transaction.atomic():
            objection.save()
    except IntegrityError:  # the same answered question, posted twice at once to two notices
        raise MoveRefused("该验证题已使用过，请回答新的验证题后再提交") from None
    # Each objection is an act on the record, so each keeps its event (bounded by the limits above).
    log_event(actor=None, action="objection.lodged", target=notice, data={
        "针对": str(item.project.organization) if item else "整份公示", "提出人": name})
    staff = [notice.published_by] + organizers(notice.batch.owner)
    pending = Objection.objects.filter(notice=notice, answered_at__isnull=True).count()
    notify_gathered(staff, title=f"公示收到异议：{notice.title}",
                    body=f"本公示有 {pending} 条异议待处理（最新：{name}对"
                         f"{item.project.organization.name if item else '整份公示'}提出异议），请及时核实处理。",
                    url=staff_notice_url(notice))
    return objection


@transaction.atomic
def objection_answer(*, objection, outcome, response, actor):
    """Staff record how an objection was handled; each is answered once and the answer is kept."""
    # Lock the objection row only: PostgreSQL cannot lock the nullable side of the outer join to `item`.
    objection = (Objection.objects.select_for_update(of=("self",))
                 .select_related("notice__batch__owner", "item__project__organization").get(pk=objection.pk))
    if not access.is_org_staff(actor) or not access.runs(actor, objection.notice.batch.owner):
        raise MoveRefused("只有党委组织部（主办本批次的）可以处理异议")
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
        notify(secretaries(project.organization) + unit_staff(project.organization),
               title=f"公示异议已处理：{project.organization.name}",
               body=f"处理结果：{ObjectionOutcome(outcome).label}。{response}", url=project_url(project))
    return objection

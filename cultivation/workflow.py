"""A project's lifecycle: who the actor is to a project, the phase windows, the guards of each
move and who hears of it. The moves themselves are data (`enums.MOVES`) and every one is made by
the transition engine (`transitions.engine.run`) through `MACHINE`; the named functions below are
what views and the admin call.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from branches import access
from branches.audit import log_event
from branches.enums import BranchType, Role
from branches.models import Organization, in_subtree
from branches.rules import eligibility_problems
from notifications import recipients
from notifications.services import notify
from transitions import engine
from transitions.refusals import MoveRefused, Offender

from .enums import MOVES, NOMINATED_STATES, Actor, BatchKind, Grade, Level, Phase, ProjectState
from .holidays import working_days_left
from .levels import move_label
from .models import (
    AcceptanceRecord, Batch, DeliverableKind, FeedbackItem, FinalDeliverable, FinalReport, MidtermReport, Notice,
    Objection, Project, UnitQuota, WindowExtension,
)

def project_url(project):
    return f"/cultivation/projects/{project.pk}/"


def offender(project, detail=""):
    """A project as the object of a refusal: its organization, and its batch when that tells two apart."""
    return Offender(label=project.organization.name, url=project_url(project), detail=detail)


def applicant_organizations(user, batch):
    """The organizations the user applies for in a batch: their branches as 支部书记, or, for
    标杆院系, the 二级党组织 where they are staff. None in a batch above a school: there the level
    below recommends (`recommends_into`, `LADDER_ROUTE`), nobody applies directly."""
    if batch.level != Level.SCHOOL:
        return []
    if batch.kind == BatchKind.BENCHMARK_UNIT:
        candidates = [org for org in access.organizations_for(user, Role.UNIT_STAFF) if org.is_secondary]
    else:
        candidates = access.organizations_for(user, Role.SECRETARY)
    return [org for org in candidates if in_subtree(org.path, batch.owner.path)]


def recommender_of(batch, organization):
    """Who recommends the organization into the batch: its 二级党组织 in a school's batch; in a batch above
    a school, the organization one level below the owner on its path (a school for a province's batch, a
    province for the ministry's); None for an organization outside the owner's tree."""
    if batch.level == Level.SCHOOL:
        return organization.unit or organization
    path = [*organization.ancestor_ids, organization.pk]
    if batch.owner_id not in path[:-1]:
        return None
    return Organization.objects.get(pk=path[path.index(batch.owner_id) + 1])


# How an organization gets into a batch above a school: said where the route starts (the batch page, the
# home page) and by the refusal of anyone who tries to apply there directly.
LADDER_ROUTE = {
    Level.PROVINCE: "省级批次不由党支部直接申报：由各高校党委组织部从本校已确定为培育对象或已通过验收的样板党支部中择优推荐"
                    "（批次页“推荐本单位样板党支部”），申报书与培育记录随推荐带入。",
    Level.NATIONAL: "国家级批次不由党支部直接申报：由各省委教育工委从本省已确定为培育对象或已通过验收的样板党支部中择优推荐"
                    "（批次页“推荐本单位样板党支部”），申报书与培育记录随推荐带入。",
}


def recommends_into(user, batch):
    """The user may recommend into the batch: 组织部 staff of an organization right below its owner (a
    school into its province's batch, a province into the ministry's); never into a school's own batch,
    whose branches apply and whose 二级党组织 recommend."""
    return batch.level != Level.SCHOOL and any(
        a.role == Role.ORG_STAFF and a.organization.parent_id == batch.owner_id for a in access.assignments(user))


def recommends(user, project):
    """In a batch above a school: the user is 组织部 staff of the recommending school (or province)."""
    return project.batch.level != Level.SCHOOL and any(
        a.role == Role.ORG_STAFF and a.organization_id == project.unit_id for a in access.assignments(user))


def actor_roles(user, project):
    """How the user stands to the project's organization: applicant (the branch's secretary, or for
    标杆院系 the unit's own staff), recommender (the 二级党组织 above it; in a batch above a school, the
    staff of the school that recommends it, who also write the application), and the organizer (staff
    running the batch's owner)."""
    organization = project.organization
    roles = set()
    if recommends(user, project):
        roles |= {Actor.SECRETARY, Actor.UNIT}
    if access.is_secretary_of(user, organization) or (
        project.batch.kind == BatchKind.BENCHMARK_UNIT
        and any(a.role == Role.UNIT_STAFF and a.organization_id == organization.pk for a in access.assignments(user))
    ):
        roles.add(Actor.SECRETARY)
    # The organizer is 组织部 staff over the batch's owner: a school's for its own batches, a province's
    # for the province's.
    if access.runs(user, project.batch.owner):
        roles.add(Actor.SCHOOL)
    if project.batch.level == Level.SCHOOL and access.manages_as(user, organization, roles={Role.UNIT_STAFF}):
        roles.add(Actor.UNIT)
    return roles


def window_end(project, phase):
    start, end = project.batch.window(phase)
    extended = [e.until for e in project.extensions.all() if e.phase == phase]
    return start, max([end] + extended)


def check_window(project, move, roles, today):
    start, end = window_end(project, move.phase)
    phase_label = Phase(move.phase).label
    if today < start:
        raise MoveRefused(f"{phase_label}阶段尚未开始（{start:%Y年%m月%d日}开始），暂不能{move.label}")
    # Deadlines bind those who submit; the school's decisions may come after a window closes.
    if Actor.SCHOOL not in roles and today > end:
        raise MoveRefused(f"{phase_label}阶段已于{end:%Y年%m月%d日}截止，不能{move.label}；如需延期请联系党委组织部")


def refusals(user, project, name, *, today=None):
    """Why the user may not make the move now (an empty list when they may); no guards run here."""
    refused = engine.refusal(MACHINE, user, project, name, today=today)
    return [refused.message] if refused else []


def allowed_moves(user, project, *, today=None):
    return engine.allowed(MACHINE, user, project, today=today)


# ---- guards: what must hold for a move beyond role, state and window --------------------------

def _guard_submit(project, change):
    missing = [label for field, label in [("title", "创建主题"), ("concept", "立意"), ("practice", "做法"),
                                          ("experience", "经验"), ("plan", "培育思路")]
               if not getattr(project, field).strip()]
    if missing:
        raise MoveRefused(f"申报书尚未填写：{'、'.join(missing)}")
    activities = project.activities.count()
    if not 1 <= activities <= 2:
        raise MoveRefused("请填写1至2项重点推动的特色活动")
    organization = project.organization
    if project.batch.kind == BatchKind.BENCHMARK_UNIT:
        if not organization.is_secondary:
            raise MoveRefused("标杆院系只能由二级党组织申报")
        return
    problems = eligibility_problems(organization, deadline=project.batch.nomination_deadline)
    if problems:
        raise MoveRefused("不符合申报基本要求：" + "；".join(problems))
    if project.batch.kind == BatchKind.STUDIO and not organization.secretary_is_double_leader:
        raise MoveRefused("“双带头人”教师党支部书记工作室须由“双带头人”支部书记领衔")


def _guard_recommended(project, change):
    """推荐报送 carries the unit's judgement: its rank among its own nominations and its 推荐意见."""
    missing = [label for label, present in [("推荐排序", project.nomination_rank is not None),
                                            ("推荐意见", bool(project.recommendation.strip()))] if not present]
    if missing:
        raise MoveRefused(f"推荐报送前请填写{'和'.join(missing)}")


def _lock_batch(project):
    """Quotas are counted across the batch (its total, its faculty and student places, each unit's
    推荐名额), and two staff moving two different projects lock two different project rows: the batch's
    row puts their counts one after the other, so the last place is taken once. The guards then read
    the quotas as locked, not as they were when the project row was read."""
    project.batch = Batch.objects.select_for_update(of=("self",)).select_related("owner").get(pk=project.batch_id)


def _guard_nominate(project, change):
    quota = UnitQuota.objects.filter(batch=project.batch, unit=project.unit).first()
    if quota is None:
        return
    used = list(Project.objects.filter(batch=project.batch, unit=project.unit, state__in=NOMINATED_STATES)
                .exclude(pk=project.pk).select_related("organization").order_by("nomination_rank", "id"))
    if len(used) >= quota.quota:
        raise MoveRefused(f"本单位推荐名额为 {quota.quota} 个，已全部报送，不能再推荐。已报送：",
                          offenders=[offender(p, ProjectState(p.state).label) for p in used])


def _guard_shortlist(project, change):
    batch = project.batch
    taken = list(Project.objects.filter(batch=batch, state__in={ProjectState.SHORTLISTED, ProjectState.RECOGNIZED})
                 .exclude(pk=project.pk).select_related("organization").order_by("unit__code", "nomination_rank", "id"))
    if len(taken) >= batch.quota_total:
        raise MoveRefused(f"拟认定名单已达总名额 {batch.quota_total} 个。已列入：",
                          offenders=[offender(p, ProjectState(p.state).label) for p in taken])
    branch_type = project.organization.branch_type
    limits = {BranchType.FACULTY: batch.quota_faculty, BranchType.STUDENT: batch.quota_student}
    same_type = [p for p in taken if p.organization.branch_type == branch_type]
    if branch_type in limits and len(same_type) >= limits[branch_type]:
        raise MoveRefused(f"{BranchType(branch_type).label}名额为 {limits[branch_type]} 个，已满。已列入：",
                          offenders=[offender(p, ProjectState(p.state).label) for p in same_type])


# ---- one project per branch: the same organization in another batch of the same kind ------------

# In another batch, these mean the organization is being cultivated there (or is about to be).
IN_CULTIVATION_STATES = {ProjectState.SHORTLISTED, ProjectState.RECOGNIZED, ProjectState.MIDTERM_SUBMITTED,
                         ProjectState.RECTIFYING, ProjectState.FINAL_SUBMITTED}
# ...and these are worth a word: an application still in play, or a cultivation already accepted.
ELSEWHERE_STATES = IN_CULTIVATION_STATES | {ProjectState.SUBMITTED, ProjectState.RETURNED, ProjectState.NOMINATED,
                                            ProjectState.ACCEPTED}


def projects_elsewhere(organizations, batch):
    """Projects of the organizations in other batches of the batch's kind that a decision here must weigh."""
    return (Project.objects.filter(organization__in=organizations, batch__kind=batch.kind, state__in=ELSEWHERE_STATES)
            .exclude(batch=batch).select_related("batch", "organization").order_by("batch__selection_start", "id"))


def elsewhere_offender(other):
    return Offender(label=f"{other.organization.name}（{other.batch.name}）", url=project_url(other),
                    detail=ProjectState(other.state).label)


def elsewhere_warning(organization, batch):
    """The warning every step of a batch gives when the organization is in play elsewhere, or None."""
    others = list(projects_elsewhere([organization], batch))
    if not others:
        return None
    return MoveRefused("注意：该组织在其他批次也有申报或培育项目：", offenders=[elsewhere_offender(p) for p in others])


def cultivated_projects(organizations):
    """The organizations' projects in cultivation, with their batches: what the one-project rule weighs,
    read once for a page that asks it of several batches."""
    return list(Project.objects.filter(organization__in=organizations, state__in=IN_CULTIVATION_STATES)
                .select_related("batch", "organization").order_by("batch__selection_start", "id"))


def one_project_refusal(organization, batch, cultivated):
    """The one-project rule, on projects already read (`cultivated_projects`): the refusal when the batch
    allows one project per branch and the organization is being cultivated in another batch of the same
    kind and level (a higher level's batch is the ladder, not a second place); None otherwise."""
    if not batch.one_project_per_branch:
        return None
    blocking = [p for p in cultivated if p.organization_id == organization.pk and p.batch_id != batch.pk
                and p.batch.kind == batch.kind and p.batch.level == batch.level]
    if not blocking:
        return None
    return MoveRefused(f"“{batch.name}”规定每个组织只能有一个在培项目，{organization.name}已在其他批次列入培育：",
                       offenders=[elsewhere_offender(p) for p in blocking])


def check_one_project_per_branch(organization, batch):
    """Refuse a step the one-project rule forbids (saving an application, submitting, nominating, ...)."""
    refused = one_project_refusal(organization, batch, cultivated_projects([organization]))
    if refused is not None:
        raise refused


def _guard_one_project_per_branch(project, change):
    check_one_project_per_branch(project.organization, project.batch)


def recognition_notices(project):
    # A withdrawn notice, or one a correction took the project out of, precedes no decision.
    return list(Notice.objects.filter(items__project=project, items__removed_in__isnull=True,
                                      kind="recognition", withdrawn_at__isnull=True))


def notice_wait(notices, today):
    """What 确定为培育对象 waits for while a 拟认定公示 runs, in words (its last day and the working days
    left), or "" when none of the notices is still running."""
    running = [notice for notice in notices if notice.ends_on >= today]
    if not running:
        return ""
    end = max(notice.ends_on for notice in running)
    return (f"拟认定公示期至{end:%Y年%m月%d日}，还有{working_days_left(today, end)}个工作日；"
            f"期满后（{end + timedelta(days=1):%Y年%m月%d日}起）才能确定为培育对象")


def recognition_wait(project, today):
    """Why 确定为培育对象 must wait for the project's 公示, or "": for the page, before the button."""
    return notice_wait(recognition_notices(project), today)


def _guard_recognize(project, change):
    notices = recognition_notices(project)
    if not notices:
        raise MoveRefused("须先发布拟认定公示，公示期满后才能确定为培育对象")
    if wait := notice_wait(notices, change.today):
        raise MoveRefused(f"{wait}，现在还不能确定为培育对象")
    pending = Objection.objects.filter(notice__in=notices, answered_at__isnull=True).filter(
        item__project=project) | Objection.objects.filter(notice__in=notices, answered_at__isnull=True,
                                                            item__isnull=True)
    if pending.exists():
        raise MoveRefused("公示期间收到的异议尚未全部处理，处理完毕后才能确定为培育对象")


def _guard_grade(field):
    def guard(project, change):
        if change.fields.get(field) not in Grade.values:
            raise MoveRefused("请选择评定等次")
    return guard


def _guard_fail_grade(project, change):
    change.fields.setdefault("final_grade", Grade.FAIL)


def _guard_midterm_materials(project, change):
    report = MidtermReport.objects.filter(project=project).first()
    missing = [label for field, label in [("summary", "阶段性工作总结"), ("outcome_report", "成果报告")]
               if report is None or not getattr(report, field).strip()]
    if missing:
        raise MoveRefused(f"中期材料尚未填写：{'、'.join(missing)}")


def _guard_feedback_given(project, change):
    if not FeedbackItem.objects.filter(project=project).exists():
        raise MoveRefused("请先填写至少一条整改意见，再完成中期评估")


def _guard_final_materials(project, change):
    report = FinalReport.objects.filter(project=project).first()
    if report is None or not report.summary.strip():
        raise MoveRefused("验收材料尚未填写：工作总结报告")
    present = set(FinalDeliverable.objects.filter(project=project).values_list("kind", flat=True))
    missing = [label for kind, label in DeliverableKind.choices if kind not in present]
    if missing:
        raise MoveRefused("“四个一”成果每项至少一个，尚缺：" + "、".join(missing))
    unanswered = FeedbackItem.objects.filter(project=project, response="").count()
    if unanswered:
        raise MoveRefused(f"还有 {unanswered} 条整改意见未填写整改情况")


def _guard_acceptance_done(project, change):
    record = AcceptanceRecord.objects.filter(project=project).first()
    if record is None or not record.is_complete:
        raise MoveRefused("须先记录验收情况（材料审查、专题汇报的日期与意见）")
    unchecked = FeedbackItem.objects.filter(project=project, verified__isnull=True).count()
    if unchecked:
        raise MoveRefused(f"还有 {unchecked} 条整改意见未核查整改情况")


def _guard_rectified(project, change):
    """整改 must be done, not only checked: an item found 未整改到位 blocks 通过验收 unless staff wrote,
    after that finding, why the project passes all the same (AcceptanceRecord.override_reason)."""
    record = AcceptanceRecord.objects.filter(project=project).first()
    unresolved = FeedbackItem.objects.filter(project=project, verified=False)
    if record is not None and record.override_reason.strip() and record.override_at:
        unresolved = unresolved.filter(verified_at__gt=record.override_at)
    count = unresolved.count()
    if count:
        raise MoveRefused(f"还有 {count} 条整改意见核查为“未整改到位”，不能通过验收；如确需通过，"
                          "请在验收记录中填写“未整改到位事项的处理意见”并说明理由")


GUARDS = {
    "submit": [_guard_submit, _guard_one_project_per_branch],
    "nominate": [_guard_recommended, _guard_nominate, _guard_one_project_per_branch],
    "shortlist": [_guard_shortlist, _guard_one_project_per_branch],
    "recognize": [_guard_recognize, _guard_one_project_per_branch],
    "submit_midterm": [_guard_midterm_materials],
    "conclude_midterm": [_guard_grade("midterm_grade"), _guard_feedback_given],
    "submit_final": [_guard_final_materials],
    "accept": [_guard_grade("final_grade"), _guard_acceptance_done, _guard_rectified],
    "fail": [_guard_fail_grade, _guard_acceptance_done],
}

# The moves whose guards count a quota: they lock the batch first (`_lock_batch`).
LOCKS = {"nominate": [_lock_batch], "shortlist": [_lock_batch]}

# Who hears of each move, besides the person making it.
AUDIENCE = {
    "submit": [Actor.UNIT],
    "withdraw": [Actor.UNIT],
    "return_application": [Actor.SECRETARY],
    "nominate": [Actor.SECRETARY, Actor.SCHOOL],
    "return_nomination": [Actor.UNIT, Actor.SECRETARY],
    "shortlist": [Actor.SECRETARY, Actor.UNIT],
    "reject": [Actor.SECRETARY, Actor.UNIT],
    "recognize": [Actor.SECRETARY, Actor.UNIT],
    "submit_midterm": [Actor.UNIT, Actor.SCHOOL],
    "return_midterm": [Actor.SECRETARY, Actor.UNIT],
    "conclude_midterm": [Actor.SECRETARY, Actor.UNIT],
    "submit_final": [Actor.UNIT, Actor.SCHOOL],
    "return_final": [Actor.SECRETARY, Actor.UNIT],
    "accept": [Actor.SECRETARY, Actor.UNIT],
    "fail": [Actor.SECRETARY, Actor.UNIT],
}


def audience(project, actors):
    people = []
    organization = project.organization
    if Actor.SECRETARY in actors:
        people += recipients.secretaries(organization)
    if Actor.UNIT in actors:
        people += (recipients.unit_staff(organization) if project.batch.level == Level.SCHOOL
                   else recipients.organizers(project.unit))
    if Actor.SCHOOL in actors:
        people += recipients.organizers(project.batch.owner)
    return people


def _message(project, change):
    label = move_label(change.move, project.batch.level)
    # The branch leads (a name starting with 中 after "“…”中" read 中中); after 认定 it is a 培育项目.
    subject = "申报" if change.move.phase in (Phase.SELECTION, Phase.RECOGNITION) else "培育项目"
    body = f"{project.organization.name}在“{project.batch.name}”中的{subject}：{label}。" + (
        f"原因：{change.reason.rstrip('。.')}。" if change.reason else "")
    return f"{project.organization.name}：{label}", body, project_url(project)


def _stamp(project, change):
    if change.move.name == "submit":
        change.writes["submitted_at"] = timezone.now()


MACHINE = engine.Machine(
    model=Project, states=ProjectState, moves=MOVES, prefix="project", noun="项目",
    roles=actor_roles, conditions=(check_window,),
    guards=GUARDS, locks=LOCKS, stamp=_stamp,
    audience=lambda project, change: audience(project, AUDIENCE.get(change.move.name, [])), message=_message,
    related=("batch__owner", "organization", "unit"),
)
EVENT_LABELS = {**MACHINE.event_labels(), "project.created": "新建申报", "project.edited": "修改申报",
                "project.window_extended": "延长阶段时限"}


def move_problem(*, project, name, actor, reason="", fields=None, today=None):
    """Why the move would be refused now (a MoveRefused), or None. Changes nothing: a caller deciding on
    several projects asks each first, so its refusal can name every one that is not ready."""
    return engine.problem(MACHINE, project, name, actor=actor, reason=reason, fields=fields, today=today)


def move(*, project, name, actor, reason="", expected_version=None, fields=None, today=None):
    """Make the named move; raise MoveRefused with a Chinese message when it may not happen."""
    return engine.run(MACHINE, project, name, actor=actor, reason=reason, expected_version=expected_version,
                      fields=fields, today=today)


def _named(name):
    def make(*, project, actor, reason="", expected_version=None, fields=None, today=None):
        return move(project=project, name=name, actor=actor, reason=reason, expected_version=expected_version,
                    fields=fields, today=today)

    make.__name__ = f"project_{name}"
    make.__doc__ = f"{MOVES[name].label}：{'、'.join(ProjectState(s).label for s in MOVES[name].sources)} → " \
                   f"{ProjectState(MOVES[name].target).label}"
    return make


project_submit = _named("submit")
project_withdraw = _named("withdraw")
project_return_application = _named("return_application")
project_nominate = _named("nominate")
project_return_nomination = _named("return_nomination")
project_shortlist = _named("shortlist")
project_reject = _named("reject")
project_recognize = _named("recognize")
project_submit_midterm = _named("submit_midterm")
project_return_midterm = _named("return_midterm")
project_conclude_midterm = _named("conclude_midterm")
project_submit_final = _named("submit_final")
project_return_final = _named("return_final")
project_accept = _named("accept")
project_fail = _named("fail")


@transaction.atomic
def extend_window(*, project, phase, until, reason, actor):
    if Actor.SCHOOL not in actor_roles(actor, project):
        raise MoveRefused("只有党委组织部可以延长阶段时限")
    reason = (reason or "").strip()
    if not reason:
        raise MoveRefused("延期须填写原因")
    start, end = project.batch.window(phase)
    if until <= end:
        raise MoveRefused(f"延长后的日期应晚于原截止日期 {end:%Y年%m月%d日}")
    extension = WindowExtension.objects.create(project=project, phase=phase, until=until, reason=reason,
                                               created_by=actor)
    Project.objects.filter(pk=project.pk).update(version=F("version") + 1)
    log_event(actor=actor, action="project.window_extended", target=project,
              data={"阶段": Phase(phase).label, "延长至": until.isoformat(), "原因": reason})
    notify(audience(project, [Actor.SECRETARY, Actor.UNIT]), title=f"{project.organization.name}：{Phase(phase).label}阶段延期",
           body=f"{Phase(phase).label}阶段截止日期延长至{until:%Y年%m月%d日}。原因：{reason}", url=project_url(project))
    return extension

"""The one place where a progress report is begun, edited or moved, and where reminders are sent.

A report's moves are data (`enums.REPORT_MOVES`); `MACHINE` gives the transition engine
(`transitions.engine.run`) the report's guards, stamps and audiences, and the engine makes every
move. Views call the named functions; they never set a state.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from branches.audit import log_event
from notifications import recipients
from notifications.selectors import reminded
from notifications.services import notify, remind_once
from transitions import engine
from transitions.refusals import MoveRefused, NotAllowed

from ..enums import CULTIVATED_STATES, Actor, ProjectState
from ..models import ActivityProgress, FeaturedActivity, Milestone, ProgressReport, Project
from ..workflow import actor_roles, audience
from .enums import (
    EDITABLE_REPORT_STATES, OPEN_PROJECT_STATES, REPORT_MOVES, ReminderKind, ReportState,
)
from .selectors import period_for, periods_of_projects


# The person fields stamped by each move (…_at, …_by).
STAMPS = {"submit": "submitted", "endorse": "endorsed", "accept": "accepted",
          "return_submitted": "returned", "return_endorsed": "returned"}
# Who hears of each move, besides the person making it.
AUDIENCE = {
    "submit": [Actor.UNIT],
    "endorse": [Actor.SCHOOL, Actor.SECRETARY],
    "accept": [Actor.SECRETARY, Actor.UNIT],
    "return_submitted": [Actor.SECRETARY],
    "return_endorsed": [Actor.SECRETARY, Actor.UNIT],
}
REMIND_DAYS_BEFORE = 3


def report_url(report):
    return f"/cultivation/reports/{report.pk}/"


def project_reports_url(project):
    return f"/cultivation/projects/{project.pk}/reports/"


def allowed_report_moves(user, report):
    return engine.allowed(MACHINE, user, report)


def _require_secretary(actor, project, doing):
    if Actor.SECRETARY not in actor_roles(actor, project):
        raise NotAllowed(f"只有本支部书记可以{doing}")


def _require_cultivated(project):
    if project.state not in CULTIVATED_STATES:
        raise MoveRefused("该项目尚未确定为培育对象，还不能填写进展报告")


def _require_reporting(project):
    """Reports are written while the project is being built; a finished one is only read."""
    _require_cultivated(project)
    if project.state not in OPEN_PROJECT_STATES:
        raise MoveRefused(f"该项目当前为“{ProjectState(project.state).label}”，已不在培育或整改期，"
                          "不再需要填写或提交进展报告")


@transaction.atomic
def report_start(*, project, period_due, actor):
    """Begin the report of one due period (a draft); the report already begun is returned as is."""
    project = Project.objects.select_for_update(of=("self",)).select_related("batch__owner", "organization").get(pk=project.pk)
    _require_secretary(actor, project, "填写进展报告")
    _require_reporting(project)
    existing = ProgressReport.objects.filter(project=project, period_due=period_due).first()
    if existing is not None:
        return existing
    period = period_for(project, period_due)
    if period is None:
        raise MoveRefused(f"{period_due:%Y年%m月%d日}不是本项目的报告截止日期")
    report = ProgressReport.objects.create(project=project, period_start=period.start, period_due=period.due,
                                           title=period.title, created_by=actor)
    log_event(actor=actor, action="report.started", target=report,
              data={"项目": str(project), "截止日期": period.due.isoformat()})
    return report


@transaction.atomic
def report_edit(*, report, actor, expected_version, narrative, counts, activities=None):
    """Save the secretary's text, meeting counts and per-activity progress; a stale form is refused.

    `counts` maps ProgressReport.NUMBER_FIELDS to numbers; `activities` maps a featured activity's id
    to {"times_held", "participants", "progress"}.
    """
    # The project's batch and owner come along: the role check and the event's scope read them.
    locked = (ProgressReport.objects.select_for_update(of=("self",))
              .select_related("project__organization", "project__batch__owner").get(pk=report.pk))
    _require_secretary(actor, locked.project, "修改进展报告")
    _require_reporting(locked.project)
    if locked.state not in EDITABLE_REPORT_STATES:
        raise MoveRefused(f"报告当前状态为“{ReportState(locked.state).label}”，不能修改")
    if int(expected_version) != locked.version:
        raise MoveRefused("报告已在别处被修改，请刷新页面后再编辑，以免覆盖他人的修改")
    locked.narrative = narrative
    for name in ProgressReport.NUMBER_FIELDS:
        setattr(locked, name, counts.get(name, 0) or 0)
    edited = ["narrative", *ProgressReport.NUMBER_FIELDS]
    try:
        # Only what the secretary typed is checked: the untouched keys, people and period would each cost a
        # query (their rows exist, the period is unique) and cannot have changed.
        locked.full_clean(exclude=[f.name for f in ProgressReport._meta.fields if f.name not in edited])
    except ValidationError as error:
        raise MoveRefused("；".join(error.messages)) from None
    own_activities = {a.pk: a for a in FeaturedActivity.objects.filter(project_id=locked.project_id)}
    existing = {row.activity_id: row for row in ActivityProgress.objects.filter(report=locked)}
    changed, added = [], []
    for activity_id, values in (activities or {}).items():
        if int(activity_id) not in own_activities:
            raise MoveRefused("特色活动不属于本项目")
        row = existing.get(int(activity_id)) or ActivityProgress(report=locked, activity=own_activities[int(activity_id)])
        for name, value in values.items():
            setattr(row, name, value)
        try:
            row.full_clean(exclude=["report", "activity"])
        except ValidationError as error:
            raise MoveRefused("；".join(error.messages)) from None
        (changed if row.pk else added).append(row)
    # One statement per kind of write, whatever the number of activities (the row lock above keeps them ours).
    ActivityProgress.objects.bulk_update(changed, ["times_held", "participants", "progress"])
    ActivityProgress.objects.bulk_create(added)
    # The row is locked: the version read above is the stored one, and it grows in the same UPDATE.
    locked.version += 1
    locked.save(update_fields=[*edited, "version", "updated_at"])
    log_event(actor=actor, action="report.edited", target=locked,
              data={"三会一课及主题党日（次）": locked.meetings_total})
    return locked


def _guard_submit(report, change):
    _require_reporting(report.project)
    if not report.narrative.strip():
        raise MoveRefused("请先填写本期工作进展，再提交报告")


def _stamp(report, change):
    stamp = STAMPS[change.move.name]
    change.writes.update({f"{stamp}_at": timezone.now(), f"{stamp}_by": change.actor})


def _audience(report, change):
    project = report.project
    actors = list(AUDIENCE[change.move.name])
    if change.move.name == "submit" and not recipients.unit_staff(project.organization):
        actors.append(Actor.SCHOOL)  # a 直属党支部: 组织部 endorses
    return audience(project, actors)


def _message(report, change):
    move, organization = change.move, report.project.organization
    body = f"{organization.name}的{report.title}进展报告{move.done}。" + (
        f"{'退回意见' if move.needs_reason else '意见'}：{change.reason}" if change.reason else "")
    return f"{organization.name}：{report.title}进展报告{move.done}", body, report_url(report)


MACHINE = engine.Machine(
    model=ProgressReport, states=ReportState, moves=REPORT_MOVES, prefix="report", noun="报告",
    roles=lambda user, report: actor_roles(user, report.project),
    guards={"submit": [_guard_submit]}, stamp=_stamp, audience=_audience, message=_message,
    related=("project__organization", "project__batch__owner"),
    reason_label="意见", reason_missing="{label}须填写退回意见", reason_max=2000,
)
EVENT_LABELS = {
    **MACHINE.event_labels(),
    "report.started": "开始填写进展报告",
    "report.edited": "修改进展报告",
    "report.reminded": "发送进展报告提醒",
    "milestone.created": "设置报告节点",
}


def report_move(*, report, name, actor, comment="", expected_version=None):
    """Make the named move; raise MoveRefused with a Chinese message when it may not happen."""
    return engine.run(MACHINE, report, name, actor=actor, reason=comment, expected_version=expected_version)


def _named(name):
    def make(*, report, actor, comment="", expected_version=None):
        return report_move(report=report, name=name, actor=actor, comment=comment, expected_version=expected_version)

    move = REPORT_MOVES[name]
    make.__name__ = f"report_{name}"
    make.__doc__ = (f"{move.label}：{'、'.join(ReportState(s).label for s in move.sources)} → "
                    f"{ReportState(move.target).label}")
    return make


report_submit = _named("submit")
report_endorse = _named("endorse")
report_accept = _named("accept")
report_return_submitted = _named("return_submitted")
report_return_endorsed = _named("return_endorsed")


def report_return(*, report, actor, comment, expected_version=None):
    """退回修改 from whichever state the report is in (已提交 or 二级党组织已审核)."""
    # The state as stored now, not as the caller last saw it; report_move checks it again under the lock.
    state = ProgressReport.objects.filter(pk=report.pk).values_list("state", flat=True).first()
    name = "return_endorsed" if state == ReportState.ENDORSED else "return_submitted"
    return report_move(report=report, name=name, actor=actor, comment=comment, expected_version=expected_version)


# ---- the schedule --------------------------------------------------------------------------

@transaction.atomic
def milestone_add(*, project, date, title, actor):
    """Staff add one extra due date to a project's schedule, inside the 培育 window."""
    project = Project.objects.select_for_update(of=("self",)).select_related("batch__owner", "organization").get(pk=project.pk)
    if not actor_roles(actor, project) & {Actor.UNIT, Actor.SCHOOL}:
        raise NotAllowed("只有二级党组织或党委组织部可以设置报告节点")
    _require_reporting(project)
    start, end = project.batch.window("cultivation")
    if not start <= date <= end:
        raise MoveRefused(f"报告节点须在培育阶段之内（{start:%Y年%m月%d日}至{end:%Y年%m月%d日}）")
    title = (title or "").strip()
    if not title:
        raise MoveRefused("请填写节点名称")
    if period_for(project, date) is not None:
        raise MoveRefused(f"{date:%Y年%m月%d日}已是本项目的报告截止日期")
    milestone = Milestone(project=project, date=date, title=title, created_by=actor)
    try:
        milestone.full_clean(exclude=["created_by"])
    except ValidationError as error:
        raise MoveRefused("；".join(error.messages)) from None
    milestone.save()
    log_event(actor=actor, action="milestone.created", target=project,
              data={"节点": title, "日期": date.isoformat()})
    notify(audience(project, [Actor.SECRETARY]), title=f"{project.organization.name}：新增报告节点",
           body=f"请于{date:%Y年%m月%d日}前提交“{title}”进展报告。", url=project_reports_url(project))
    return milestone


# ---- reminders -----------------------------------------------------------------------------

def reminders_due(periods, *, today, days_before):
    """(kind, period) for each reminder the periods call for today, sent or not."""
    wanted = []
    for period in periods:
        status = period.status(today)
        if status in ("due", "upcoming") and 0 <= period.days_left(today) <= days_before:
            wanted.append((ReminderKind.DUE_SOON, period))
        elif status == "overdue":
            wanted.append((ReminderKind.OVERDUE, period))
    return wanted


def reminder_key(project, due, kind):
    """The key of one reminder in notifications.Reminder: sent once per project, due date and kind."""
    return f"report/{project.pk}/{due:%Y-%m-%d}/{ReminderKind(kind).value}"


def send_reminders(*, today=None, days_before=None):
    """Remind secretaries of reports due within `days_before` days and of overdue ones (cc their unit).

    A job of `send_reminders` (settings.REMINDER_JOBS). Each reminder goes out through
    notifications.remind_once under the key (project, period, kind), in the same transaction as its
    event: however often this runs, and even when two runs overlap, a reminder is sent once. One
    message per project and kind lists all of its periods.
    """
    today = today or timezone.localdate()
    days_before = remind_days_before(days_before)
    projects = (Project.objects.filter(state__in=OPEN_PROJECT_STATES)
                .select_related("batch__owner", "organization", "unit").order_by("pk"))
    wanted = {project: reminders_due(periods, today=today, days_before=days_before)
              for project, periods in periods_of_projects(projects).items()}
    sent = reminded(reminder_key(project, period.due, kind) for project, due in wanted.items() for kind, period in due)
    result = {"sent": 0, "skipped": 0}
    for project, due in wanted.items():
        fresh = {}
        for kind, period in due:
            if reminder_key(project, period.due, kind) not in sent:
                fresh.setdefault(kind, []).append(period)
        for kind, due_periods in fresh.items():
            with transaction.atomic():
                done = _remind(project, kind, due_periods, today)
            # Not done: an overlapping run sent it first.
            result["sent" if done else "skipped"] += len(due_periods)
    return result


def _remind(project, kind, periods, today):
    """One message for the periods of a kind; False (and nothing written) when it was sent already."""
    listed = "；".join(f"{p.title}（{p.due:%Y年%m月%d日}截止）" for p in periods)
    if kind == ReminderKind.DUE_SOON:
        title = f"{project.organization.name}：进展报告即将到期"
        body = f"请按时提交进展报告：{listed}。"
        recipients = audience(project, [Actor.SECRETARY])
    else:
        title = f"{project.organization.name}：进展报告已逾期"
        body = f"以下进展报告已超过截止日期尚未提交：{listed}。请尽快填写提交。"
        recipients = audience(project, [Actor.SECRETARY, Actor.UNIT])
    keys = [reminder_key(project, p.due, kind) for p in periods]
    if not remind_once(keys, recipients, title=title, body=body, url=project_reports_url(project)):
        return False
    log_event(actor=None, action="report.reminded", target=project,
              data={"类型": ReminderKind(kind).label, "报告期": listed, "日期": today.isoformat()})
    return True


def remind_days_before(value=None):
    from django.conf import settings

    return value if value is not None else getattr(settings, "REPORT_REMIND_DAYS_BEFORE", REMIND_DAYS_BEFORE)

"""The one place where a task book is begun, revised, edited and moved.

Its moves are data (`enums.TASKBOOK_MOVES`); `MACHINE` gives the transition engine the book's roles,
guards, stamps and audiences, and the engine makes every move. Views call the named functions.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from branches.audit import log_event
from cultivation.enums import CULTIVATED_STATES, Actor, Phase, ProjectState
from cultivation.models import ProgressReport, Project
from cultivation.reports.enums import EDITABLE_REPORT_STATES, OPEN_PROJECT_STATES
from cultivation.workflow import actor_roles, audience
from notifications import recipients
from notifications.selectors import reminded
from notifications.services import remind_once
from transitions import engine
from transitions.refusals import MoveRefused, NotAllowed

from .enums import EDITABLE_TASKBOOK_STATES, TASKBOOK_MOVES, TaskBookState, TaskStatus
from .models import Task, TaskBook, TaskProgress
from .selectors import late_q

# A task book is planned while the project is still being built; after the verdict it is only read.
PLANNING_STATES = CULTIVATED_STATES - {ProjectState.ACCEPTED, ProjectState.FAILED}
TASK_FIELDS = ["title", "owner_name", "owner_role", "due", "outcome_type", "deliverable", "expected"]
AUDIENCE = {
    "submit": [Actor.UNIT],
    "endorse": [Actor.SCHOOL, Actor.SECRETARY],
    "confirm": [Actor.SECRETARY, Actor.UNIT],
    "return_submitted": [Actor.SECRETARY],
    "return_endorsed": [Actor.SECRETARY, Actor.UNIT],
}


def taskbook_url(book):
    return f"/planning/taskbooks/{book.pk}/"


def _require_secretary(actor, project, doing):
    if Actor.SECRETARY not in actor_roles(actor, project):
        raise NotAllowed(f"只有本支部书记可以{doing}")


def _require_planning(project):
    if project.state not in CULTIVATED_STATES:
        raise MoveRefused("该项目尚未确定为培育对象，还不能制定任务书")
    if project.state not in PLANNING_STATES:
        raise MoveRefused(f"该项目当前为“{ProjectState(project.state).label}”，任务书只能查看，不能再修改")


def _clean(row, exclude=()):
    try:
        row.full_clean(exclude=list(exclude))
    except ValidationError as error:
        raise MoveRefused("；".join(error.messages)) from None


@transaction.atomic
def taskbook_start(*, project, actor, reason=""):
    """Begin the first task book, or after confirmation a new version (with a reason) carrying the
    confirmed version's roadmap and tasks. A draft or a book under review is refused: finish it first."""
    project = Project.objects.select_for_update(of=("self",)).select_related("batch__owner", "organization").get(
        pk=project.pk)
    _require_secretary(actor, project, "起草任务书")
    _require_planning(project)
    latest = TaskBook.objects.filter(project=project).order_by("-number").first()
    reason = (reason or "").strip()
    if latest is not None and latest.state != TaskBookState.CONFIRMED:
        raise MoveRefused(f"第{latest.number}版任务书当前为“{TaskBookState(latest.state).label}”，"
                          "请先完成该版本，再修订")
    if latest is not None and not reason:
        raise MoveRefused("任务书已经组织部确认，修订须填写修订原因")
    if len(reason) > 2000:
        raise MoveRefused("修订原因不能超过2000字")
    book = TaskBook.objects.create(project=project, number=(latest.number + 1) if latest else 1,
                                   roadmap=latest.roadmap if latest else "", change_reason=reason, created_by=actor)
    if latest is not None:
        Task.objects.bulk_create(Task(book=book, status=task.status, done_on=task.done_on,
                                      origin_id=task.origin_id or task.pk,
                                      **{name: getattr(task, name) for name in TASK_FIELDS})
                                 for task in latest.tasks.all())
    log_event(actor=actor, action="taskbook.started", target=book,
              data={"项目": str(project), "版本": f"第{book.number}版", **({"修订原因": reason} if reason else {})})
    return book


def _lock_editable(book, actor, expected_version):
    locked = TaskBook.objects.select_for_update(of=("self",)).select_related(
        "project__organization", "project__batch__owner").get(pk=book.pk)
    _require_secretary(actor, locked.project, "修改任务书")
    _require_planning(locked.project)
    if locked.state not in EDITABLE_TASKBOOK_STATES:
        raise MoveRefused(f"任务书当前状态为“{TaskBookState(locked.state).label}”，不能修改；"
                          "已确认的任务书如需调整，请修订为新版本")
    if expected_version not in (None, "") and int(expected_version) != locked.version:
        raise MoveRefused("任务书已在别处被修改，请刷新页面后再编辑，以免覆盖他人的修改")
    return locked


def _touched(locked, actor, action, data):
    TaskBook.objects.filter(pk=locked.pk).update(version=F("version") + 1, updated_at=timezone.now())
    locked.refresh_from_db()
    log_event(actor=actor, action=action, target=locked, data=data)
    return locked


@transaction.atomic
def taskbook_edit(*, book, actor, roadmap, expected_version=None):
    locked = _lock_editable(book, actor, expected_version)
    locked.roadmap = roadmap or ""
    _clean(locked, exclude=["created_by", "confirmed_by"])
    locked.save(update_fields=["roadmap"])
    return _touched(locked, actor, "taskbook.edited", {"版本": f"第{locked.number}版"})


def _check_task(book, task):
    _clean(task, exclude=["book"])
    start, end = book.project.batch.window("cultivation")[0], book.project.batch.harvest_end
    if not start <= task.due <= end:
        # The span covers 培育, 中期评估 and 收获推广, so it is named by its ends, not as "培育期".
        raise MoveRefused(f"完成时限须在{Phase.CULTIVATION.label}开始至{Phase.HARVEST.label}结束之间"
                          f"（{start:%Y年%m月%d日}至{end:%Y年%m月%d日}）")


@transaction.atomic
def task_add(*, book, actor, expected_version=None, **fields):
    """Add a task; its 责任人 must be named, its due date inside the project's batch."""
    locked = _lock_editable(book, actor, expected_version)
    task = Task(book=locked, **{name: fields.get(name) or ("" if name != "due" else None) for name in TASK_FIELDS})
    _check_task(locked, task)
    task.save()
    _touched(locked, actor, "taskbook.task_added", {"任务": task.title, "责任人": task.owner_name,
                                                      "完成时限": task.due.isoformat()})
    return task


@transaction.atomic
def task_edit(*, book, task_id, actor, expected_version=None, **fields):
    """Change a task of an editable version (same checks as adding one)."""
    locked = _lock_editable(book, actor, expected_version)
    task = Task.objects.filter(book=locked, pk=task_id).first()
    if task is None:
        raise MoveRefused("该任务不存在或已删除")
    for name in TASK_FIELDS:
        setattr(task, name, fields.get(name) or ("" if name != "due" else None))
    _check_task(locked, task)
    task.save()
    _touched(locked, actor, "taskbook.task_edited", {"任务": task.title, "责任人": task.owner_name,
                                                       "完成时限": task.due.isoformat()})
    return task


@transaction.atomic
def task_remove(*, book, task_id, actor, expected_version=None):
    locked = _lock_editable(book, actor, expected_version)
    task = Task.objects.filter(book=locked, pk=task_id).first()
    if task is None:
        raise MoveRefused("该任务不存在或已删除")
    task.delete()
    return _touched(locked, actor, "taskbook.task_removed", {"任务": task.title})


def _guard_submit(book, change):
    _require_planning(book.project)
    if not book.roadmap.strip():
        raise MoveRefused("请先填写路线图（各阶段目标），再提交任务书")
    if not book.tasks.exists():
        raise MoveRefused("任务书至少要有一项任务（含责任人和完成时限），才能提交")


def _stamp(book, change):
    if change.move.name == "confirm":
        change.writes.update(confirmed_at=timezone.now(), confirmed_by=change.actor)


def _audience(book, change):
    project = book.project
    actors = list(AUDIENCE[change.move.name])
    if change.move.name == "submit" and not recipients.unit_staff(project.organization):
        actors.append(Actor.SCHOOL)  # a 直属党支部: 组织部 reviews
    return audience(project, actors)


def _message(book, change):
    move, organization = change.move, book.project.organization
    body = f"{organization.name}的第{book.number}版任务书{move.done}。" + (
        f"{'退回意见' if move.needs_reason else '意见'}：{change.reason}" if change.reason else "")
    return f"{organization.name}：任务书{move.done}", body, taskbook_url(book)


MACHINE = engine.Machine(
    model=TaskBook, states=TaskBookState, moves=TASKBOOK_MOVES, prefix="taskbook", noun="任务书",
    roles=lambda user, book: actor_roles(user, book.project),
    guards={"submit": [_guard_submit]}, stamp=_stamp, audience=_audience, message=_message,
    related=("project__organization", "project__batch__owner"),
    reason_label="意见", reason_missing="{label}须填写退回意见", reason_max=2000,
    context=lambda book: {"项目": str(book.project), "版本": f"第{book.number}版"},
)
EVENT_LABELS = {
    **MACHINE.event_labels(),
    "taskbook.started": "起草任务书",
    "taskbook.edited": "修改任务书",
    "taskbook.task_added": "添加任务",
    "taskbook.task_edited": "修改任务",
    "taskbook.task_removed": "删除任务",
    "taskbook.task_moved": "报告任务进展",
    "taskbook.task_reminded": "提醒逾期任务",
}


def taskbook_move(*, book, name, actor, comment="", expected_version=None):
    """Make the named move; raise MoveRefused with a Chinese message when it may not happen."""
    return engine.run(MACHINE, book, name, actor=actor, reason=comment, expected_version=expected_version)


def taskbook_return(*, book, actor, comment, expected_version=None):
    """退回修改 from whichever review state the book is in."""
    state = TaskBook.objects.filter(pk=book.pk).values_list("state", flat=True).first()
    name = "return_endorsed" if state == TaskBookState.ENDORSED else "return_submitted"
    return taskbook_move(book=book, name=name, actor=actor, comment=comment, expected_version=expected_version)


def allowed_taskbook_moves(user, book):
    return engine.allowed(MACHINE, user, book)


# ---- progress reports move tasks ----------------------------------------------------------------

MOVED_STATUSES = (TaskStatus.ONGOING, TaskStatus.DONE)


@transaction.atomic
def task_progress_record(*, report, task_id, status, note, actor, today=None):
    """Record in a draft progress report that a task of the confirmed task book moved (进行中 or
    已完成), with a note; the task's status follows. Recording the same task again in the same report
    replaces what the report said of it."""
    report = ProgressReport.objects.select_for_update(of=("self",)).select_related(
        "project__organization", "project__batch__owner").get(pk=report.pk)
    project = report.project
    _require_secretary(actor, project, "在进展报告中填写任务进展")
    if report.state not in EDITABLE_REPORT_STATES:
        raise MoveRefused("报告已提交，不能再填写任务进展")
    if project.state not in OPEN_PROJECT_STATES:
        raise MoveRefused("该项目已不在培育或整改期，进展报告只能查看")
    if status not in MOVED_STATUSES:
        raise MoveRefused("请选择任务的新进展：进行中或已完成")
    note = (note or "").strip()
    if len(note) > 500:
        raise MoveRefused("进展说明不能超过500字")
    book = (TaskBook.objects.filter(project=project, state=TaskBookState.CONFIRMED).order_by("-number").first())
    if book is None:
        raise MoveRefused("该项目还没有经组织部确认的任务书")
    task = Task.objects.select_for_update(of=("self",)).filter(book=book, pk=task_id).first()
    if task is None:
        raise MoveRefused("该任务不在现行任务书中，请刷新页面后重试")
    today = today or timezone.localdate()
    TaskProgress.objects.update_or_create(report=report, task=task,
                                          defaults={"status": status, "note": note, "created_by": actor})
    task.status = status
    task.done_on = today if status == TaskStatus.DONE else None
    task.save(update_fields=["status", "done_on"])
    # A revision being drafted or reviewed carries the same task on: it learns the news too.
    Task.objects.filter(book__project=project, book__number__gt=book.number,
                        origin_id=task.origin_id or task.pk).update(status=task.status, done_on=task.done_on)
    log_event(actor=actor, action="taskbook.task_moved", target=book,
              data={"任务": task.title, "完成情况": TaskStatus(status).label, "进展报告": report.title,
                    **({"进展说明": note} if note else {})})
    return task


# ---- overdue tasks are reminded once ------------------------------------------------------------

def task_reminder_key(task):
    """One reminder per task and due date: a revision's copy of a task is not reminded again, unless the
    revision moved its due date."""
    return f"planning/task/{task.origin_id or task.pk}/{task.due:%Y-%m-%d}/overdue"


def overdue_tasks(today):
    """The late tasks of every book in force (the latest confirmed version) of a project still planned."""
    latest = (TaskBook.objects.filter(project=OuterRef("book__project"), state=TaskBookState.CONFIRMED)
              .order_by("-number").values("pk")[:1])
    return (Task.objects.filter(late_q(today), book__state=TaskBookState.CONFIRMED,
                                book__project__state__in=PLANNING_STATES, book=Subquery(latest))
            .select_related("book__project__organization", "book__project__batch__owner", "book__project__unit")
            .order_by("book__project_id", "due", "pk"))


def send_reminders(*, today=None, days_before=None):
    """Tell the branch secretary and the 二级党组织 of each overdue task, once per task.

    A job of `send_reminders` (settings.REMINDER_JOBS); `days_before` does not apply (a task is
    reminded when late). The unique reminder key is written with the notice and its event in one
    transaction, so two runs at once send each reminder once.
    """
    today = today or timezone.localdate()
    tasks = list(overdue_tasks(today))
    sent = reminded(task_reminder_key(task) for task in tasks)
    result = {"sent": 0, "skipped": 0}
    for task in tasks:
        if task_reminder_key(task) in sent:
            continue
        with transaction.atomic():
            done = _remind_task(task, today)
        result["sent" if done else "skipped"] += 1
    return result


def _remind_task(task, today):
    book = task.book
    project = book.project
    owner = f"{task.owner_name}（{task.owner_role}）" if task.owner_role else task.owner_name
    title = f"{project.organization.name}：任务书中的任务已逾期"
    body = (f"任务“{task.title}”（责任人：{owner}）的完成时限为{task.due:%Y年%m月%d日}，至今尚未完成。"
            "请督促落实，并在进展报告中说明进展。")
    people = audience(project, [Actor.SECRETARY, Actor.UNIT])
    if not remind_once(task_reminder_key(task), people, title=title, body=body, url=taskbook_url(book)):
        return False
    log_event(actor=None, action="taskbook.task_reminded", target=book,
              data={"任务": task.title, "责任人": owner, "完成时限": task.due.isoformat(), "日期": today.isoformat()})
    return True

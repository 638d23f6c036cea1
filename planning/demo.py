"""Demo data of the task book (settings.DEMO_BUILDERS, after cultivation's and evaluations' demos).

The demo secretary's branch writes its book through the real services (so the event log and the inbox
hold what real use leaves): drafted, returned by its 二级党组织 with comments, resubmitted, endorsed and
confirmed. Every other cultivated project of the 培育 and 中期 batches gets a confirmed book written
directly, with done, ongoing, late and future tasks, the done ones linked to a handed-in report; one of
the 中期 batch's books waits on the 二级党组织, so the review queue is not empty.
"""

import datetime

from django.utils import timezone

from cultivation.models import ProgressReport
from cultivation.reports.enums import HANDED_IN_STATES

from . import services
from .enums import TaskBookState, TaskStatus
from .models import Task, TaskBook, TaskProgress

ROADMAP = ("培育期（前6个月）：建立健全“三会一课”等制度台账，启动特色活动；\n"
           "培育期（后6个月）：形成工作法和典型案例，建设宣传平台；\n"
           "中期评估：提交阶段性工作总结和成果报告，按评估意见整改；\n"
           "收获推广：完成“四个一”成果，开展经验交流和示范带动。")
# (title, owner, role, days after 培育 began, outcome type, “四个一”, expected, status if the due date passed)
TASKS = [
    ("修订完善支部“三会一课”制度和工作台账", "支部书记", "支部书记", 45, "system", "", "制度汇编一套", TaskStatus.DONE),
    ("开展“经典诵读进课堂”特色活动", "组织委员", "组织委员", 120, "brand", "", "活动不少于6次，形成活动纪实", TaskStatus.DONE),
    ("建设支部微信公众号并常态化更新", "宣传委员", "宣传委员", 150, "platform", "platform", "每月推送不少于4篇",
     TaskStatus.ONGOING),
    ("总结提炼“支部+教研室”双融合工作法", "支部书记", "支部书记", 170, "method", "experience", "典型案例1篇",
     TaskStatus.ONGOING),
    ("拍摄示范建设微视频", "宣传委员", "宣传委员", 260, "promotion", "video", "微视频1部（5分钟以内）",
     TaskStatus.PLANNED),
    ("汇编培育建设成果", "纪检委员", "纪检委员", 330, "research", "booklet", "成果汇编1册", TaskStatus.PLANNED),
]
RETURN_COMMENT = "“建设支部微信公众号”一项请写明具体责任人姓名，完成时限请与中期评估时间衔接。"


def _due(project, offset):
    start, end = project.batch.cultivation_start, project.batch.harvest_end
    return min(start + datetime.timedelta(days=offset), end)


COMMITTEE = {"组织委员": "王晓燕", "宣传委员": "陈志远", "纪检委员": "赵丽"}


def _owner(project, role):
    if role == "支部书记":
        return project.organization.secretary_name or "李明"
    return COMMITTEE[role]


def _own_branch(project, users):
    """The demo secretary's book, through every step of the review."""
    secretary, unit, staff = users["secretary"], users["unit"], users["staff"]
    book = services.taskbook_start(project=project, actor=secretary)
    book = services.taskbook_edit(book=book, actor=secretary, roadmap=ROADMAP)
    for title, _, role, offset, outcome, deliverable, expected, _ in TASKS:
        services.task_add(book=book, actor=secretary, title=title, owner_name=_owner(project, role), owner_role=role,
                          due=_due(project, offset), outcome_type=outcome, deliverable=deliverable, expected=expected)
    book = services.taskbook_move(book=TaskBook.objects.get(pk=book.pk), name="submit", actor=secretary)
    book = services.taskbook_return(book=book, actor=unit, comment=RETURN_COMMENT)
    book = services.taskbook_move(book=book, name="submit", actor=secretary)
    book = services.taskbook_move(book=book, name="endorse", actor=unit, comment="同意，请按时间表推进。")
    return services.taskbook_move(book=book, name="confirm", actor=staff, comment="确认。")


def _written(project, state=TaskBookState.CONFIRMED):
    now = timezone.now()
    # Written as it would stand after the moves (created in its state, as the reports demo does).
    book = TaskBook.objects.create(project=project, roadmap=ROADMAP, state=state,
                                   confirmed_at=now if state == TaskBookState.CONFIRMED else None)
    Task.objects.bulk_create(
        Task(book=book, title=title, owner_name=_owner(project, role), owner_role=role, due=_due(project, offset),
             outcome_type=outcome, deliverable=deliverable, expected=expected)
        for title, _, role, offset, outcome, deliverable, expected, _ in TASKS)
    return book


def _progress(book, today, *, late_index):
    """Tasks due before today take their planned status, but the `late_index`-th stays unfinished (late);
    the done ones are linked to the project's latest handed-in report."""
    report = (ProgressReport.objects.filter(project_id=book.project_id, state__in=HANDED_IN_STATES)
              .order_by("-period_due").first())
    for index, (task, planned) in enumerate(zip(book.tasks.order_by("due", "pk"), [t[-1] for t in TASKS])):
        if task.due >= today:
            continue
        status = TaskStatus.ONGOING if index == late_index else planned
        if status == TaskStatus.PLANNED:
            continue
        task.status, task.done_on = status, (task.due if status == TaskStatus.DONE else None)
        task.save(update_fields=["status", "done_on"])
        if report is not None:
            TaskProgress.objects.create(report=report, task=task, status=status,
                                        note="已按任务书完成，材料见本期报告。" if status == TaskStatus.DONE else "正在推进。")


def build(context):
    projects = context.get("projects") or {}
    today = context["today"]
    users = context["users"]
    own = context["secretary_branch"]
    made = []
    for key in ("cultivating", "midterm"):
        for index, project in enumerate(projects.get(key, [])):
            if project.organization_id == own.pk:
                book = _own_branch(project, users)
            elif key == "midterm" and index == 1:
                book = _written(project, TaskBookState.SUBMITTED)
                made.append(book)
                continue
            else:
                book = _written(project)
            _progress(book, today, late_index=index % 3)
            made.append(book)
    context["task_books"] = made
    return made

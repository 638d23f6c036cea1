"""Access-matrix rows of the task book pages (planning).

The project is a cultivation target with tree.reviewer assigned to the own one (matrix_cultivation's
`_r_project`): its readers (secretary, 二级党组织, 组织部, the assigned reviewer) may open the pages; only
the secretary writes the book, only the reviewers of each step move it; everyone else gets 404.
"""

from .matrix import FORBIDDEN, LOGIN, NOT_FOUND, OK, REDIRECT, Row, expect
from .matrix_cultivation import _r_project

PEOPLE = {"own": ("unit_staff", "secretary"), "foreign": ("other_unit_staff", "other_secretary")}


def _answers(which, *, secretary, unit, school, reviewer):
    unit_role, secretary_role = PEOPLE[which]
    return expect(NOT_FOUND, anonymous=LOGIN, org_staff=school, **{unit_role: unit, secretary_role: secretary},
                  reviewer_assigned=reviewer if which == "own" else NOT_FOUND)


def _row(name, method="get", data=None, *, kwargs, secretary=FORBIDDEN, unit=FORBIDDEN, school=FORBIDDEN,
         reviewer=FORBIDDEN):
    roles = dict(secretary=secretary, unit=unit, school=school, reviewer=reviewer)
    return Row(name, own=_answers("own", **roles), foreign=_answers("foreign", **roles), kwargs=kwargs,
               method=method, data=data)


def _book(world, which, state="draft"):
    from planning.models import Task, TaskBook

    project = _r_project(world, which)
    book = TaskBook.objects.filter(project=project).first()
    if book is None:
        book = TaskBook.objects.create(project=project, roadmap="培育期：建制度")
        Task.objects.create(book=book, title="建立台账", owner_name="李四", due=project.batch.cultivation_start)
    TaskBook.objects.filter(pk=book.pk).update(state=state)
    return book


def _book_kwargs(state):
    return lambda world, which: {"pk": _book(world, which, state).pk}


def _task_kwargs(world, which):
    return {"pk": _book(world, which).tasks.get().pk}


def _project_kwargs(world, which):
    return {"pk": _r_project(world, which).pk}


def _task_data(world, which):
    return {"title": "建立台账", "owner_name": "李四", "due": _r_project(world, which).batch.cultivation_start.isoformat(),
            "version": 1}


def _report_kwargs(world, which):
    from tests.factories import progress_report

    _book(world, which, "confirmed")
    return {"pk": progress_report(_r_project(world, which), state="draft").pk}


def _progress_data(world, which):
    from planning.models import Task

    return {"task": Task.objects.get(book__project=_r_project(world, which)).pk, "status": "done", "note": "已建立"}


READERS = dict(secretary=OK, unit=OK, school=OK, reviewer=OK)
REVIEW_STAFF = expect(FORBIDDEN, anonymous=LOGIN, org_staff=OK, unit_staff=OK, other_unit_staff=OK)

ROWS = [
    Row("planning:review_queue", REVIEW_STAFF),
    Row("planning:review_queue_export", REVIEW_STAFF),
    _row("planning:project_taskbook", kwargs=_project_kwargs, **READERS),
    _row("planning:taskbook_detail", kwargs=_book_kwargs("submitted"), **READERS),
    _row("planning:taskbook_start", "post", kwargs=_project_kwargs, secretary=REDIRECT),
    _row("planning:taskbook_edit", "post", lambda world, which: {"roadmap": "目标", "version": 1},
         kwargs=_book_kwargs("draft"), secretary=REDIRECT),
    _row("planning:task_add", "post", _task_data, kwargs=_book_kwargs("draft"), secretary=REDIRECT),
    _row("planning:task_edit", kwargs=_task_kwargs, secretary=OK),
    _row("planning:task_edit", "post", _task_data, kwargs=_task_kwargs, secretary=REDIRECT),
    _row("planning:task_remove", "post", lambda world, which: {"version": 1}, kwargs=_task_kwargs,
         secretary=REDIRECT),
    _row("planning:taskbook_move", "post", lambda world, which: {"comment": "同意", "version": 1},
         kwargs=lambda world, which: {**_book_kwargs("submitted")(world, which), "name": "endorse"},
         unit=REDIRECT, school=REDIRECT),
    _row("planning:report_tasks", kwargs=_report_kwargs, **READERS),
    _row("planning:report_tasks", "post", _progress_data, kwargs=_report_kwargs, secretary=REDIRECT),
]

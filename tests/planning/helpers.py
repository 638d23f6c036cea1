"""Shared builders for the planning tests: a task book with tasks, in any state."""

import datetime

from planning import services
from planning.enums import TaskBookState
from planning.models import Task, TaskBook


def book_with_tasks(project, *, state=TaskBookState.DRAFT, tasks=(), number=1, roadmap="培育期：建制度"):
    """A task book version written directly (tests of pages, not of the moves), with (title, due, status)."""
    book = TaskBook.objects.create(project=project, number=number, roadmap=roadmap)
    TaskBook.objects.filter(pk=book.pk).update(state=state)
    for title, due, status in tasks:
        Task.objects.create(book=book, title=title, owner_name="李四", owner_role="组织委员", due=due, status=status)
    book.refresh_from_db()
    return book


def confirmed_book(tree, project):
    """A book taken through the real flow to 组织部已确认, with one task due 30 days into 培育."""
    book = services.taskbook_start(project=project, actor=tree.secretary)
    book = services.taskbook_edit(book=book, actor=tree.secretary, roadmap="培育期：建制度")
    services.task_add(book=book, actor=tree.secretary, title="建立台账", owner_name="李四",
                      due=project.batch.cultivation_start + datetime.timedelta(days=30))
    for name, actor in (("submit", tree.secretary), ("endorse", tree.unit_staff), ("confirm", tree.staff)):
        book = services.taskbook_move(book=TaskBook.objects.get(pk=book.pk), name=name, actor=actor)
    return book

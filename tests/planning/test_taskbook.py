"""The task book's review and versioning flow (planning.services), each refusal in Chinese."""

import datetime

import pytest

from branches.models import Event
from cultivation.enums import ProjectState
from cultivation.models import Project
from notifications.models import Notification
from planning import services
from planning.enums import TASKBOOK_MOVES, TaskBookState
from planning.models import Task, TaskBook
from tests.factories import ProjectFactory, cultivating_project
from transitions.refusals import MoveRefused, NotAllowed

pytestmark = pytest.mark.django_db


def _ready_book(tree, project):
    book = services.taskbook_start(project=project, actor=tree.secretary)
    book = services.taskbook_edit(book=book, actor=tree.secretary, roadmap="培育期：建制度；收获推广：出案例",
                                  expected_version=book.version)
    due = project.batch.cultivation_start + datetime.timedelta(days=30)
    services.task_add(book=book, actor=tree.secretary, title="建立“三会一课”台账", owner_name="李四",
                      owner_role="组织委员", due=due, outcome_type="system", deliverable="experience",
                      expected="制度汇编一套")
    book.refresh_from_db()
    return book


def test_taskbook_goes_from_draft_to_confirmed_with_events_and_notices(tree):
    project = cultivating_project(tree.branch_a1)
    book = _ready_book(tree, project)
    book = services.taskbook_move(book=book, name="submit", actor=tree.secretary)
    assert Notification.objects.filter(user=tree.unit_staff, url=services.taskbook_url(book)).exists()
    book = services.taskbook_move(book=book, name="endorse", actor=tree.unit_staff, comment="同意")
    book = services.taskbook_move(book=book, name="confirm", actor=tree.staff, comment="确认")
    assert book.state == TaskBookState.CONFIRMED
    assert book.unit_comment == "同意" and book.confirmed_by == tree.staff
    actions = list(Event.objects.filter(object_id=str(book.pk), action__startswith="taskbook.")
                   .values_list("action", flat=True))
    assert {"taskbook.started", "taskbook.task_added", "taskbook.submit", "taskbook.endorse",
            "taskbook.confirm"} <= set(actions)


def test_taskbook_return_needs_comments_and_goes_back_to_the_secretary(tree):
    project = cultivating_project(tree.branch_a1)
    book = services.taskbook_move(book=_ready_book(tree, project), name="submit", actor=tree.secretary)
    with pytest.raises(MoveRefused, match="须填写退回意见"):
        services.taskbook_return(book=book, actor=tree.unit_staff, comment="  ")
    book = services.taskbook_return(book=book, actor=tree.unit_staff, comment="责任人不明确")
    assert book.state == TaskBookState.RETURNED and book.return_reason == "责任人不明确"
    book = services.taskbook_move(book=book, name="submit", actor=tree.secretary)
    book = services.taskbook_move(book=book, name="endorse", actor=tree.unit_staff)
    book = services.taskbook_return(book=book, actor=tree.staff, comment="时间表过松")
    assert book.state == TaskBookState.RETURNED


def test_confirmed_taskbook_is_changed_only_as_a_new_version_with_a_reason(tree):
    project = cultivating_project(tree.branch_a1)
    book = _ready_book(tree, project)
    for name, actor in (("submit", tree.secretary), ("endorse", tree.unit_staff), ("confirm", tree.staff)):
        book = services.taskbook_move(book=book, name=name, actor=actor)
    with pytest.raises(MoveRefused, match="不能修改"):
        services.taskbook_edit(book=book, actor=tree.secretary, roadmap="改写")
    with pytest.raises(MoveRefused, match="修订原因"):
        services.taskbook_start(project=project, actor=tree.secretary)
    second = services.taskbook_start(project=project, actor=tree.secretary, reason="中期评估后调整任务")
    assert second.number == 2 and second.change_reason == "中期评估后调整任务"
    assert [t.title for t in second.tasks.all()] == ["建立“三会一课”台账"]
    with pytest.raises(MoveRefused, match="请先完成该版本"):
        services.taskbook_start(project=project, actor=tree.secretary, reason="再改")
    services.task_remove(book=second, task_id=second.tasks.get().pk, actor=tree.secretary)
    first = TaskBook.objects.get(pk=book.pk)
    assert first.state == TaskBookState.CONFIRMED and first.tasks.count() == 1 and first.roadmap


def test_taskbook_refusals_are_chinese(tree):
    draft = ProjectFactory(organization=tree.branch_a1)
    with pytest.raises(MoveRefused, match="尚未确定为培育对象"):
        services.taskbook_start(project=draft, actor=tree.secretary)
    project = cultivating_project(tree.branch_b1)
    with pytest.raises(NotAllowed, match="只有本支部书记"):
        services.taskbook_start(project=project, actor=tree.secretary)
    mine = cultivating_project(tree.branch_a2)
    from branches.enums import Role
    from branches.models import RoleAssignment
    RoleAssignment.objects.create(user=tree.secretary, role=Role.SECRETARY, organization=tree.branch_a2)
    from branches import access
    access.forget(tree.secretary)
    book = services.taskbook_start(project=mine, actor=tree.secretary)
    with pytest.raises(MoveRefused, match="路线图"):
        services.taskbook_move(book=book, name="submit", actor=tree.secretary)
    book = services.taskbook_edit(book=book, actor=tree.secretary, roadmap="目标")
    with pytest.raises(MoveRefused, match="至少要有一项任务"):
        services.taskbook_move(book=book, name="submit", actor=tree.secretary)
    # The span runs from 培育 to the end of 收获推广 (issue 24, item 17): it is not called 培育期.
    with pytest.raises(MoveRefused, match="完成时限须在培育开始至收获推广结束之间") as refused:
        services.task_add(book=book, actor=tree.secretary, title="任务", owner_name="王五",
                          due=datetime.date(1999, 1, 1))
    assert f"{mine.batch.harvest_end:%Y年%m月%d日}" in str(refused.value) and "培育期" not in str(refused.value)
    with pytest.raises(MoveRefused):
        services.task_add(book=book, actor=tree.secretary, title="", owner_name="", due=mine.batch.cultivation_start)
    with pytest.raises(MoveRefused, match="已在别处被修改"):
        services.taskbook_edit(book=book, actor=tree.secretary, roadmap="x", expected_version=book.version - 1)
    with pytest.raises(NotAllowed):
        services.taskbook_move(book=book, name="confirm", actor=tree.other_unit_staff)
    with pytest.raises(MoveRefused, match="当前状态为“草稿”"):
        services.taskbook_move(book=book, name="confirm", actor=tree.staff)
    Project.objects.filter(pk=mine.pk).update(state=ProjectState.ACCEPTED)
    with pytest.raises(MoveRefused, match="只能查看"):
        services.taskbook_edit(book=book, actor=tree.secretary, roadmap="x")
    assert Task.objects.filter(book=book).count() == 0


@pytest.mark.parametrize("name", list(TASKBOOK_MOVES))
@pytest.mark.parametrize("state", list(TaskBookState))
def test_every_state_and_move_is_allowed_or_refused_as_the_table_says(tree, name, state):
    project = cultivating_project(tree.branch_a1)
    book = TaskBook.objects.create(project=project, roadmap="目标")
    Task.objects.create(book=book, title="任务", owner_name="李四", due=project.batch.cultivation_start)
    TaskBook.objects.filter(pk=book.pk).update(**{"state": state})
    book.refresh_from_db()
    move = TASKBOOK_MOVES[name]
    actor = tree.secretary if "secretary" in move.actors else tree.staff
    if state in move.sources:
        moved = services.taskbook_move(book=book, name=name, actor=actor, comment="意见")
        assert moved.state == move.target
    else:
        with pytest.raises(MoveRefused, match="任务书当前状态为"):
            services.taskbook_move(book=book, name=name, actor=actor, comment="意见")

"""A progress report says which tasks of the confirmed task book moved; its pages show them."""

import pytest
from django.contrib.messages import get_messages

from branches.models import Event
from planning.enums import TaskBookState, TaskStatus
from planning.models import Task, TaskProgress
from tests.factories import cultivating_project, progress_report

from .helpers import book_with_tasks, confirmed_book

pytestmark = pytest.mark.django_db


def said(response):
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_the_secretary_marks_tasks_moved_and_the_report_shows_them(tree, client_for):
    project = cultivating_project(tree.branch_a1)
    book = confirmed_book(tree, project)
    task = book.tasks.get()
    report = progress_report(project)
    client = client_for(tree.secretary)
    edit = client.get(f"/cultivation/reports/{report.pk}/edit/").content.decode()
    assert "对照任务书填写任务进展" in edit
    response = client.post(f"/planning/reports/{report.pk}/tasks/", {"task": task.pk, "status": "ongoing", "note": "起草中"})
    assert "已记录任务进展" in said(response)
    client.post(f"/planning/reports/{report.pk}/tasks/", {"task": task.pk, "status": "done", "note": "台账已建立"})
    row = TaskProgress.objects.get()
    assert (row.report, row.task, row.status, row.note) == (report, task, TaskStatus.DONE, "台账已建立")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.done_on is not None
    assert Event.objects.filter(action="taskbook.task_moved").count() == 2
    # Everyone who reads the report sees what it moved.
    for user in (tree.secretary, tree.unit_staff, tree.staff):
        body = client_for(user).get(f"/cultivation/reports/{report.pk}/").content.decode()
        assert "建立台账" in body and "台账已建立" in body and "已完成" in body
    assert 'data-mark="done"' in client_for(tree.staff).get(f"/cultivation/projects/{project.pk}/").content.decode()


@pytest.mark.parametrize("post, message", [
    ({"status": "done"}, "任务"),
    ({"task": "x", "status": "done"}, "编号无效"),
    ({"task": "99999", "status": "done"}, "不在现行任务书中"),
    ({"task": "TASK", "status": "planned"}, "新进展"),
    ({"task": "TASK", "status": "done", "note": "x" * 501}, "进展说明"),
    ({"task": "TASK", "status": "done", "note": "\x07"}, "控制字符"),
])
def test_bad_input_is_refused_in_chinese(tree, client_for, post, message):
    project = cultivating_project(tree.branch_a1)
    task = confirmed_book(tree, project).tasks.get()
    report = progress_report(project)
    post = {key: (str(task.pk) if value == "TASK" else value) for key, value in post.items()}
    response = client_for(tree.secretary).post(f"/planning/reports/{report.pk}/tasks/", post)
    assert response.status_code == 302 and message in said(response)
    assert not TaskProgress.objects.exists() and Task.objects.get(pk=task.pk).status == TaskStatus.PLANNED


def test_only_a_draft_report_of_a_confirmed_book_moves_tasks(tree, client_for):
    project = cultivating_project(tree.branch_a1)
    draft_book = book_with_tasks(project, tasks=[("任务", project.batch.cultivation_start, TaskStatus.PLANNED)])
    report = progress_report(project)
    client = client_for(tree.secretary)
    data = {"task": draft_book.tasks.get().pk, "status": "done"}
    assert "还没有经组织部确认的任务书" in said(client.post(f"/planning/reports/{report.pk}/tasks/", data))
    assert "对照任务书填写" not in client.get(f"/cultivation/reports/{report.pk}/edit/").content.decode()
    confirmed = book_with_tasks(cultivating_project(tree.branch_a1), state=TaskBookState.CONFIRMED,
                                tasks=[("任务", project.batch.cultivation_start, TaskStatus.PLANNED)])
    submitted = progress_report(confirmed.project, state="submitted")
    data = {"task": confirmed.tasks.get().pk, "status": "done"}
    assert "报告已提交" in said(client.post(f"/planning/reports/{submitted.pk}/tasks/", data))
    # A task of another project's book is not this report's to move.
    other = book_with_tasks(project, number=2, state=TaskBookState.CONFIRMED,
                            tasks=[("本项目任务", project.batch.cultivation_start, TaskStatus.PLANNED)])
    assert "不在现行任务书中" in said(client.post(f"/planning/reports/{report.pk}/tasks/", data))
    assert other.tasks.get().status == TaskStatus.PLANNED and not TaskProgress.objects.exists()


def test_others_cannot_move_tasks(tree, client_for):
    project = cultivating_project(tree.branch_a1)
    task = confirmed_book(tree, project).tasks.get()
    report = progress_report(project)
    data = {"task": task.pk, "status": "done"}
    assert client_for(tree.unit_staff).post(f"/planning/reports/{report.pk}/tasks/", data).status_code == 403
    assert client_for(tree.other_secretary).post(f"/planning/reports/{report.pk}/tasks/", data).status_code == 404
    assert client_for(tree.other_secretary).get(f"/planning/reports/{report.pk}/tasks/").status_code == 404
    assert not TaskProgress.objects.exists()


@pytest.mark.parametrize("n", [1, 4])
def test_the_report_pages_run_the_same_queries_with_more_tasks(tree, client_for, django_assert_num_queries, n):
    project = cultivating_project(tree.branch_a1)
    book = book_with_tasks(project, state=TaskBookState.CONFIRMED,
                           tasks=[("任务", project.batch.cultivation_start, TaskStatus.PLANNED)] * n)
    report = progress_report(project)
    for task in book.tasks.all():
        TaskProgress.objects.create(report=report, task=task, status=TaskStatus.ONGOING, note="推进中")
    client = client_for(tree.secretary)
    client.get(f"/planning/reports/{report.pk}/tasks/")
    with django_assert_num_queries(8):
        body = client.get(f"/planning/reports/{report.pk}/tasks/").content.decode()
    assert body.count("进行中：推进中") == n
    with django_assert_num_queries(14):  # the report's query brings the batch owner the role check asks
        assert client.get(f"/cultivation/reports/{report.pk}/").status_code == 200


def test_a_revision_under_way_learns_what_reports_say_of_the_task_in_force(tree, client_for):
    from planning import services

    project = cultivating_project(tree.branch_a1)
    book = confirmed_book(tree, project)
    task = book.tasks.get()
    revision = services.taskbook_start(project=project, actor=tree.secretary, reason="调整时间表")
    copy = revision.tasks.get()
    assert copy.origin_id == task.pk
    report = progress_report(project)
    client_for(tree.secretary).post(f"/planning/reports/{report.pk}/tasks/", {"task": task.pk, "status": "done"})
    copy.refresh_from_db()
    assert copy.status == TaskStatus.DONE and copy.done_on is not None
    assert services.task_reminder_key(copy) == services.task_reminder_key(Task.objects.get(pk=task.pk))

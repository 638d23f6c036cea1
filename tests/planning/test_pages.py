"""The task book pages, used as people would: the review flow, refusals in Chinese, leaks, queries."""

import datetime

import pytest
from django.contrib.messages import get_messages

from planning.enums import TaskBookState, TaskStatus
from planning.models import Task, TaskBook
from tests.factories import cultivating_project

from .helpers import book_with_tasks

pytestmark = pytest.mark.django_db


def said(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_whole_review_flow_through_the_pages(tree, client_for):
    project = cultivating_project(tree.branch_a1)
    client = client_for(tree.secretary)
    assert "起草任务书" in page(client, f"/planning/projects/{project.pk}/taskbook/")
    response = client.post(f"/planning/projects/{project.pk}/taskbook/start/")
    book = TaskBook.objects.get(project=project)
    assert response.url == f"/planning/taskbooks/{book.pk}/"
    client.post(f"/planning/taskbooks/{book.pk}/roadmap/", {"roadmap": "培育期：建制度", "version": book.version})
    book.refresh_from_db()
    due = project.batch.cultivation_start + datetime.timedelta(days=40)
    response = client.post(f"/planning/taskbooks/{book.pk}/tasks/", {
        "title": "建立“三会一课”台账", "owner_name": "李四", "owner_role": "组织委员", "due": due.isoformat(),
        "outcome_type": "system", "deliverable": "experience", "expected": "制度汇编", "version": book.version})
    assert "已添加任务" in said(response)
    task = Task.objects.get(book=book)
    book.refresh_from_db()
    response = client.post(f"/planning/tasks/{task.pk}/edit/", {
        "title": "建立台账", "owner_name": "王五", "owner_role": "", "due": due.isoformat(), "outcome_type": "",
        "deliverable": "", "expected": "", "version": book.version})
    assert response.status_code == 302 and Task.objects.get(pk=task.pk).owner_name == "王五"
    book.refresh_from_db()
    client.post(f"/planning/taskbooks/{book.pk}/move/submit/", {"version": book.version})
    assert TaskBook.objects.get(pk=book.pk).state == TaskBookState.SUBMITTED

    # 二级党组织 returns it with comments; the secretary sees them, resubmits.
    unit = client_for(tree.unit_staff)
    assert "甲一党支部" in page(unit, "/planning/taskbooks/?tab=submitted")
    response = unit.post(f"/planning/taskbooks/{book.pk}/move/return_submitted/", {"comment": ""})
    assert "须填写退回意见" in " ".join(said(response))
    unit.post(f"/planning/taskbooks/{book.pk}/move/return_submitted/", {"comment": "责任人不明确"})
    assert TaskBook.objects.get(pk=book.pk).state == TaskBookState.RETURNED
    client = client_for(tree.secretary)
    assert "责任人不明确" in page(client, f"/planning/taskbooks/{book.pk}/")
    client.post(f"/planning/taskbooks/{book.pk}/move/submit/", {})
    unit = client_for(tree.unit_staff)
    unit.post(f"/planning/taskbooks/{book.pk}/move/endorse/", {"comment": "同意"})
    staff = client_for(tree.staff)
    assert "甲一党支部" in page(staff, "/planning/taskbooks/")  # 组织部 opens on 待组织部确认
    staff.post(f"/planning/taskbooks/{book.pk}/move/confirm/", {"comment": "确认"})
    book.refresh_from_db()
    assert book.state == TaskBookState.CONFIRMED and book.school_comment == "确认"

    # A change is a new version with a reason; the first stays readable as it was.
    client = client_for(tree.secretary)
    response = client.post(f"/planning/projects/{project.pk}/taskbook/start/", {"reason": ""})
    assert "修订原因" in " ".join(said(response)) and TaskBook.objects.filter(project=project).count() == 1
    client.post(f"/planning/projects/{project.pk}/taskbook/start/", {"reason": "中期评估后调整"})
    second = TaskBook.objects.get(project=project, number=2)
    assert second.change_reason == "中期评估后调整" and second.state == TaskBookState.DRAFT
    client.post(f"/planning/tasks/{second.tasks.get().pk}/remove/", {"version": second.version})
    assert not second.tasks.exists()
    current = page(client, f"/planning/projects/{project.pk}/taskbook/")
    assert "第2版" in current and "中期评估后调整" in current
    old = page(client, f"/planning/taskbooks/{book.pk}/")
    assert "本页只读" in old and "建立台账" in old and "修改</a>" not in old
    assert Task.objects.filter(book=book).count() == 1


@pytest.mark.parametrize("post, message", [
    ({"roadmap": "x", "version": "x"}, "页面已过期"),
    ({"roadmap": "x", "version": "0"}, "已在别处被修改"),
    ({"roadmap": "a\x1bb", "version": "1"}, "控制字符"),
])
def test_bad_roadmap_input_is_refused_in_chinese(tree, client_for, post, message):
    book = book_with_tasks(cultivating_project(tree.branch_a1))
    response = client_for(tree.secretary).post(f"/planning/taskbooks/{book.pk}/roadmap/", post)
    # The page again, the roadmap as typed, the reason beside it (or flashed, for the hidden version).
    assert response.status_code == 200 and message in " ".join(said(response)) + response.content.decode()
    assert post["roadmap"] in response.content.decode()
    assert TaskBook.objects.get(pk=book.pk).roadmap == "培育期：建制度"


@pytest.mark.parametrize("change, message", [
    ({"due": "1999-01-01"}, "日期超出范围"),
    ({"due": "2001-01-01"}, "完成时限须在培育开始至收获推广结束之间"),
    ({"due": "明天"}, "完成时限"),
    ({"owner_name": ""}, "责任人"),
    ({"outcome_type": "nonsense"}, "对应成果类型"),
])
def test_bad_task_input_is_refused_in_chinese(tree, client_for, change, message):
    project = cultivating_project(tree.branch_a1)
    book = book_with_tasks(project)
    data = {"title": "任务", "owner_name": "李四", "due": project.batch.cultivation_start.isoformat(), "version": "1",
            **change}
    response = client_for(tree.secretary).post(f"/planning/taskbooks/{book.pk}/tasks/", data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Task.objects.exists()


def test_refusals_of_the_moves_are_chinese(tree, client_for):
    project = cultivating_project(tree.branch_a1)
    book = book_with_tasks(project, roadmap="")
    client = client_for(tree.secretary)
    assert "请先填写路线图" in " ".join(said(client.post(f"/planning/taskbooks/{book.pk}/move/submit/", {})))
    TaskBook.objects.filter(pk=book.pk).update(roadmap="目标")
    assert "至少要有一项任务" in " ".join(said(client.post(f"/planning/taskbooks/{book.pk}/move/submit/", {})))
    staff = client_for(tree.staff)
    assert "当前状态为“草稿”" in " ".join(said(staff.post(f"/planning/taskbooks/{book.pk}/move/confirm/", {})))
    assert staff.post(f"/planning/taskbooks/{book.pk}/move/nonsense/", {}).status_code == 404
    assert TaskBook.objects.get(pk=book.pk).state == TaskBookState.DRAFT


def test_a_confirmed_book_cannot_be_edited_through_its_pages(tree, client_for):
    project = cultivating_project(tree.branch_a1)
    due = project.batch.cultivation_start
    book = book_with_tasks(project, state=TaskBookState.CONFIRMED, tasks=[("任务", due, TaskStatus.PLANNED)])
    task = book.tasks.get()
    client = client_for(tree.secretary)
    response = client.get(f"/planning/tasks/{task.pk}/edit/")
    assert response.status_code == 302 and "请修订为新版本" in " ".join(said(response))
    response = client.post(f"/planning/tasks/{task.pk}/remove/", {"version": book.version})
    assert "不能修改" in " ".join(said(response)) and Task.objects.filter(pk=task.pk).exists()
    response = client.post(f"/planning/taskbooks/{book.pk}/move/submit/", {})
    assert "当前状态为" in " ".join(said(response))


def test_a_draft_under_review_cannot_be_started_again(tree, client_for):
    project = cultivating_project(tree.branch_a1)
    book_with_tasks(project, state=TaskBookState.SUBMITTED)
    response = client_for(tree.secretary).post(f"/planning/projects/{project.pk}/taskbook/start/", {"reason": "再改"})
    assert "请先完成该版本" in " ".join(said(response)) and TaskBook.objects.count() == 1


def test_other_branches_and_units_see_nothing(tree, client_for):
    project = cultivating_project(tree.branch_a1)
    book = book_with_tasks(project, state=TaskBookState.SUBMITTED,
                           tasks=[("任务", project.batch.cultivation_start, TaskStatus.PLANNED)])
    task = book.tasks.get()
    for user in (tree.other_secretary, tree.other_unit_staff):
        client = client_for(user)
        for url in (f"/planning/projects/{project.pk}/taskbook/", f"/planning/taskbooks/{book.pk}/",
                    f"/planning/tasks/{task.pk}/edit/"):
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(f"/planning/taskbooks/{book.pk}/move/endorse/", {}).status_code == 404
        assert client.post(f"/planning/tasks/{task.pk}/remove/", {}).status_code == 404
    assert "甲一党支部" not in page(client_for(tree.other_unit_staff), "/planning/taskbooks/?tab=submitted")
    # The secretary may read it, but may not endorse it; unit staff may not edit it.
    assert client_for(tree.secretary).post(f"/planning/taskbooks/{book.pk}/move/endorse/", {}).status_code == 403
    assert client_for(tree.unit_staff).post(f"/planning/taskbooks/{book.pk}/tasks/", {}).status_code == 403
    assert client_for(tree.secretary).get("/planning/taskbooks/").status_code == 403
    assert TaskBook.objects.get(pk=book.pk).state == TaskBookState.SUBMITTED


def test_an_assigned_reviewer_reads_the_book_but_changes_nothing(tree, client_for):
    from evaluations import services as evaluation_services
    from tests.factories import RoundFactory

    from cultivation.models import Project

    project = cultivating_project(tree.branch_a1)
    Project.objects.filter(pk=project.pk).update(state="midterm_submitted")
    book = book_with_tasks(project, state=TaskBookState.SUBMITTED)
    reviewer = client_for(tree.reviewer)
    assert reviewer.get(f"/planning/taskbooks/{book.pk}/").status_code == 404
    evaluation_services.assignment_add(round_=RoundFactory(batch=project.batch), project=project,
                                       reviewer=tree.reviewer, actor=tree.staff)
    body = page(reviewer, f"/planning/taskbooks/{book.pk}/")
    assert "培育期：建制度" in body and "taskbook-moves" not in body
    assert reviewer.post(f"/planning/taskbooks/{book.pk}/move/endorse/", {}).status_code == 403
    assert reviewer.get("/planning/taskbooks/").status_code == 403


def test_malformed_ids_are_404_not_500(tree, client_for):
    client = client_for(tree.staff)
    for url in ("/planning/taskbooks/99999999/", "/planning/taskbooks/1٢/", "/planning/tasks/0/edit/",
                "/planning/projects/99999999999999999999/taskbook/"):
        assert client.get(url).status_code == 404, url
    assert client.get("/planning/taskbooks/?tab=nonsense&page=²").status_code == 200


def _books(tree, n):
    for _ in range(n):
        project = cultivating_project(tree.branch_a1)
        book_with_tasks(project, state=TaskBookState.ENDORSED,
                        tasks=[("任务", project.batch.cultivation_start, TaskStatus.PLANNED)] * 3)


@pytest.mark.parametrize("n", [1, 4])
def test_the_queue_runs_the_same_queries_at_any_size(tree, client_for, django_assert_num_queries, n):
    _books(tree, n)
    client = client_for(tree.staff)
    client.get("/planning/taskbooks/")
    with django_assert_num_queries(8):
        body = client.get("/planning/taskbooks/").content.decode()
    assert body.count('data-testid="queue-item"') == n


@pytest.mark.parametrize("n", [1, 5])
def test_the_task_book_page_runs_the_same_queries_at_any_size(tree, client_for, django_assert_num_queries, n):
    project = cultivating_project(tree.branch_a1)
    due = project.batch.cultivation_start
    first = book_with_tasks(project, state=TaskBookState.CONFIRMED, tasks=[("任务", due, TaskStatus.DONE)] * n)
    book_with_tasks(project, number=2, tasks=[("任务", due, TaskStatus.PLANNED)] * n)
    client = client_for(tree.secretary)
    client.get(f"/planning/projects/{project.pk}/taskbook/")
    with django_assert_num_queries(10):
        client.get(f"/planning/projects/{project.pk}/taskbook/")
    with django_assert_num_queries(10):
        client.get(f"/planning/taskbooks/{first.pk}/")


def test_a_task_refused_as_stale_comes_back_as_typed_with_the_current_version(tree, client_for):
    project = cultivating_project(tree.branch_a1)
    book = book_with_tasks(project)
    data = {"title": "建立台账", "owner_name": "李四", "due": project.batch.cultivation_start.isoformat(), "version": "0"}
    response = client_for(tree.secretary).post(f"/planning/taskbooks/{book.pk}/tasks/", data)
    html = response.content.decode()
    assert response.status_code == 200 and "已在别处被修改" in html and "建立台账" in html
    assert f'name="version" value="{book.version}"' in html
    assert not Task.objects.exists()

"""The demo gives its cultivated projects a confirmed task book with done and late tasks."""

import pytest
from django.test import Client

from planning.enums import TaskBookState, TaskStatus
from planning.models import Task, TaskBook, TaskProgress
from tests.demo_world import demo_fixture

demo = demo_fixture([None])


@pytest.mark.django_db
def test_the_demo_has_confirmed_task_books_with_done_and_late_tasks(demo):
    confirmed = TaskBook.objects.filter(state=TaskBookState.CONFIRMED)
    assert confirmed.count() >= 10
    tasks = Task.objects.filter(book__in=confirmed)
    assert tasks.filter(status=TaskStatus.DONE).exists()
    assert tasks.filter(due__lt=demo.today).exclude(status=TaskStatus.DONE).exists()
    assert TaskProgress.objects.exists()
    assert TaskBook.objects.filter(state=TaskBookState.SUBMITTED).exists()


@pytest.mark.django_db
def test_the_demo_secretary_sees_the_timeline_and_the_book_that_was_returned_then_confirmed(demo):
    from branches.enums import Role
    from branches.models import RoleAssignment

    assignment = RoleAssignment.objects.select_related("user").get(user__username="secretary", role=Role.SECRETARY)
    client = Client()
    client.force_login(assignment.user)
    book = TaskBook.objects.get(project__organization=assignment.organization)
    page = client.get(f"/planning/taskbooks/{book.pk}/").content.decode()
    assert "退回任务书" in page and "确认任务书" in page
    project = client.get(f"/cultivation/projects/{book.project_id}/").content.decode()
    assert 'data-mark="late"' in project and 'data-mark="done"' in project

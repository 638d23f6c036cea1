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


@pytest.mark.django_db
def test_the_demo_has_guidance_difficulties_commendations_and_an_appraisal(demo):
    from django.contrib.auth import get_user_model

    from planning.models import Appraisal, Commendation, Difficulty, Guidance

    assert Guidance.objects.count() >= 3
    assert set(Difficulty.objects.values_list("state", flat=True)) == {"open", "answered"}
    assert Commendation.objects.filter(published_at__isnull=False).exists()
    assert Commendation.objects.filter(published_at__isnull=True).exists()
    assert Appraisal.objects.filter(result="good").exists()
    client = Client()
    client.force_login(get_user_model().objects.get(username="secretary"))
    project = Difficulty.objects.filter(state="open").first().project
    page = client.get(f"/planning/projects/{project.pk}/guidance/").content.decode()
    assert "缺少固定的党员活动室" in page and "已与财务处沟通" in page
    published = Commendation.objects.filter(published_at__isnull=False).first()
    showcase = Client().get(f"/public/showcase/projects/{published.project_id}/").content.decode()
    assert published.title in showcase
    hidden = Commendation.objects.filter(published_at__isnull=True).first()
    assert hidden.title not in Client().get(f"/public/showcase/projects/{hidden.project_id}/").content.decode()

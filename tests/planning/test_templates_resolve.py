"""Every planning page renders without an unresolved template variable, for each reader, in each state."""

import pytest

from config.test_settings import INVALID_MARKER
from planning.enums import TaskBookState, TaskStatus
from planning.models import TaskProgress
from tests.factories import cultivating_project, progress_report

from .helpers import book_with_tasks

pytestmark = pytest.mark.django_db
MARKER = INVALID_MARKER.split("%s")[0]


@pytest.fixture(autouse=True)
def loud_templates(settings):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "OPTIONS": {**engine["OPTIONS"], "string_if_invalid": INVALID_MARKER}}]


@pytest.mark.parametrize("state", list(TaskBookState))
def test_the_pages_resolve_every_variable(tree, client_for, state):
    project = cultivating_project(tree.branch_a1)
    empty = cultivating_project(tree.branch_a1)
    due = project.batch.cultivation_start
    confirmed = book_with_tasks(project, state=TaskBookState.CONFIRMED,
                                tasks=[("完成的", due, TaskStatus.DONE), ("逾期的", due, TaskStatus.PLANNED)])
    book = book_with_tasks(project, number=2, state=state, tasks=[("任务", due, TaskStatus.ONGOING)])
    report = progress_report(project)
    TaskProgress.objects.create(report=report, task=confirmed.tasks.first(), status=TaskStatus.DONE, note="完成")
    urls = [f"/planning/projects/{project.pk}/taskbook/", f"/planning/projects/{empty.pk}/taskbook/",
            f"/planning/taskbooks/{confirmed.pk}/", f"/planning/taskbooks/{book.pk}/",
            f"/planning/tasks/{book.tasks.get().pk}/edit/", f"/planning/reports/{report.pk}/tasks/",
            f"/cultivation/reports/{report.pk}/", f"/cultivation/reports/{report.pk}/edit/",
            f"/cultivation/projects/{project.pk}/", f"/cultivation/projects/{empty.pk}/",
            "/planning/taskbooks/", "/planning/taskbooks/?tab=submitted"]
    for user in (tree.secretary, tree.unit_staff, tree.staff):
        client = client_for(user)
        for url in urls:
            response = client.get(url, follow=True)
            assert response.status_code in (200, 403), (user, url)
            assert MARKER not in response.content.decode(), (user.username, url)

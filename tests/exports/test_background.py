"""Exports of many rows as background tasks: queued by the request where a worker runs (TASKS_BACKEND=database),
made by the worker as the user who asked (access checked again), linked in that user's inbox only; small
exports, and every export with the immediate backend, are made in the request as before."""

from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from branches.models import RoleAssignment
from notifications.models import Notification
from tests.factories import BatchFactory, ProjectFactory

from .helpers import rows_of

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
EXPORT = reverse("cultivation:project_export")
LIST = reverse("cultivation:project_list")


def run_worker():
    call_command("task_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.fixture
def projects(tree):
    batch = BatchFactory()
    return [ProjectFactory(batch=batch, organization=branch)
            for branch in (tree.branch_a1, tree.branch_a2, tree.branch_b1, tree.direct)]


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS, EXPORT_INLINE_MAX_ROWS=1)
def test_a_big_export_is_queued_then_made_by_the_worker_and_linked_for_that_user_only(tree, projects, client_for):
    client = client_for(tree.unit_staff)
    # Two rows in the unit's scope (甲一 and 甲二, none of 乙学院's), over the limit of 1: queued.
    response = client.get(f"{EXPORT}?state=draft", HTTP_REFERER=f"http://testserver{LIST}?state=draft")
    assert response.status_code == 302 and response["Location"] == f"{LIST}?state=draft"
    assert "导出内容较多，正在后台生成" in client.get(LIST).content.decode()
    assert DBTaskResult.objects.filter(task_path="branches.tasks.build_export").count() == 1
    assert not Notification.objects.filter(user=tree.unit_staff).exists()

    run_worker()
    notice = Notification.objects.get(user=tree.unit_staff)
    assert "培育项目" in notice.title
    download = client.get(notice.url)
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert quote("培育项目") in download["Content-Disposition"]
    header, rows = rows_of(download)
    # The unit's own scope, as the list shows it: its two branches, not 乙一 nor the 直属党支部.
    assert sorted(row["培育单位"] for row in rows) == ["甲一党支部", "甲二党支部"]

    for other in (tree.staff, tree.other_unit_staff, tree.secretary):
        assert client_for(other).get(notice.url).status_code == 404


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS, EXPORT_INLINE_MAX_ROWS=1)
def test_the_worker_applies_the_filters_the_list_had(tree, projects, client_for):
    client = client_for(tree.staff)
    assert client.get(f"{EXPORT}?q=%E7%94%B2").status_code == 302  # 甲: two of the school's four projects
    run_worker()
    header, rows = rows_of(client.get(Notification.objects.get(user=tree.staff).url))
    assert sorted(row["培育单位"] for row in rows) == ["甲一党支部", "甲二党支部"]


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS, EXPORT_INLINE_MAX_ROWS=1)
def test_a_queued_export_is_not_made_for_someone_who_lost_access(tree, client_for):
    # The roster is the 组织部's: once the role is gone the worker's call is refused and nothing is made.
    assert client_for(tree.staff).get(reverse("branches:roster_export")).status_code == 302
    RoleAssignment.objects.filter(user=tree.staff).delete()
    run_worker()
    assert not Notification.objects.filter(user=tree.staff).exists()
    assert DBTaskResult.objects.get().return_value is None


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS, EXPORT_INLINE_MAX_ROWS=2)
def test_the_roster_which_writes_its_own_workbook_is_queued_too(tree, client_for):
    client = client_for(tree.staff)
    response = client.get(reverse("branches:roster_export"))
    assert response.status_code == 302 and response["Location"] == reverse("notifications:inbox_list")
    run_worker()
    notice = Notification.objects.get(user=tree.staff)
    header, rows = rows_of(client.get(notice.url))
    assert len(rows) > 2


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS, EXPORT_INLINE_MAX_ROWS=10)
def test_a_small_export_is_made_in_the_request(tree, projects, client_for):
    response = client_for(tree.staff).get(EXPORT)
    assert len(rows_of(response)[1]) == len(projects)
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
@override_settings(EXPORT_INLINE_MAX_ROWS=1)
def test_with_the_immediate_backend_every_export_is_made_in_the_request(tree, projects, client_for):
    response = client_for(tree.staff).get(EXPORT)
    assert len(rows_of(response)[1]) == len(projects)
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_a_name_that_was_never_generated_is_404(tree, client_for):
    client = client_for(tree.staff)
    for name in ("0" * 32, "abc", "..%2F..%2Fsecret"):
        assert client.get(f"/organizations/exports/{name}.xlsx").status_code == 404

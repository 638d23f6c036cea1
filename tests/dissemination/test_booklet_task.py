"""The booklet's Word file as a background task: queued by the request, built by the worker, linked in the inbox."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from docx import Document

from dissemination.tasks import build_booklet
from notifications.models import Notification
from tests.dissemination.booklet_helpers import accepted_projects

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _chapters(response):
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    return [p.text for p in document.paragraphs if p.style.name == "Heading 1"]


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_the_worker_builds_the_booklet_and_the_inbox_links_it(tree, client_for, media_root):
    batch, _ = accepted_projects(tree, 2)
    client = client_for(tree.staff)
    response = client.post(reverse("dissemination:booklet_request", args=[batch.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("notifications:inbox_list")
    # The request only queued it: nothing built, nothing in the inbox yet.
    assert DBTaskResult.objects.filter(task_path="dissemination.tasks.build_booklet").count() == 1
    assert not Notification.objects.filter(user=tree.staff).exists()
    assert not (media_root / "booklets").exists()

    call_command("task_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    notice = Notification.objects.get(user=tree.staff)
    assert "成果汇编" in notice.title
    download = client.get(notice.url)
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert len(_chapters(download)) == 2


@pytest.mark.django_db
def test_without_a_worker_the_booklet_is_ready_at_once(tree, client_for):
    batch, _ = accepted_projects(tree, 1)
    client = client_for(tree.staff)
    client.post(reverse("dissemination:booklet_request", args=[batch.pk]))
    notice = Notification.objects.get(user=tree.staff)
    assert len(_chapters(client.get(notice.url))) == 1
    assert "正在生成" in client.get(reverse("notifications:inbox_list")).content.decode()


@pytest.mark.django_db
def test_someone_else_neither_queues_nor_reads_the_booklet(tree, client_for):
    batch, _ = accepted_projects(tree, 1)
    name = build_booklet.call(batch.pk, tree.staff.pk)
    for who in (tree.unit_staff, tree.secretary, tree.reviewer):
        client = client_for(who)
        assert client.post(reverse("dissemination:booklet_request", args=[batch.pk])).status_code == 404
        assert client.get(reverse("dissemination:booklet_file", args=[batch.pk, name])).status_code == 404
    assert Notification.objects.filter(title__contains="成果汇编").count() == 1


@pytest.mark.django_db
def test_a_queued_booklet_is_not_built_for_someone_who_lost_access(tree):
    batch, _ = accepted_projects(tree, 1)
    assert build_booklet.call(batch.pk, tree.unit_staff.pk) is None
    assert not Notification.objects.filter(title__contains="成果汇编").exists()


@pytest.mark.django_db
def test_a_name_that_was_never_generated_is_404(tree, client_for):
    batch, _ = accepted_projects(tree, 1)
    client = client_for(tree.staff)
    for name in ("0" * 32, "..", "abc"):
        assert client.get(f"/dissemination/batches/{batch.pk}/booklet/word/{name}.docx").status_code == 404

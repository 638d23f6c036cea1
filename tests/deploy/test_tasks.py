"""Mail leaves through a task: queued with the request, sent by the worker, once."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from notifications.models import OutboundEmail
from notifications.services import notify

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_the_worker_sends_the_mail_the_request_queued(tree):
    tree.secretary.email = "secretary@example.edu.cn"
    tree.secretary.save()
    from django.db import transaction

    with transaction.atomic():
        notify([tree.secretary], title="进展报告已退回", body="请修改后重新提交", url="/cultivation/reports/")
    # The request is over: the mail waits in the queue, nothing has been sent.
    assert DBTaskResult.objects.count() == 1
    assert mail.outbox == []
    assert OutboundEmail.objects.get().sent_at is None

    call_command("task_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert [message.to for message in mail.outbox] == [["secretary@example.edu.cn"]]
    assert OutboundEmail.objects.get().sent_at is not None

    call_command("task_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_without_a_worker_mail_is_sent_right_after_commit(tree):
    # The immediate backend of development and tests: make run needs no worker.
    tree.secretary.email = "secretary@example.edu.cn"
    tree.secretary.save()
    from django.db import transaction

    with transaction.atomic():
        notify([tree.secretary], title="进展报告已退回", body="请修改", url="/")
        assert mail.outbox == []
    assert len(mail.outbox) == 1
    assert not DBTaskResult.objects.exists()

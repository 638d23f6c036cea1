"""Work that runs outside the request (django-tasks): mail now, and any slow job later.

A user's action only enqueues; where `TASKS_BACKEND=database` (production) the rows wait in the
database until `manage.py task_worker` (deploy/systemd/dangzhibu-worker.service) runs them, so a slow
mail server never slows a page. In development and tests the immediate backend runs each task at
once, so `make run` needs no worker. A slow job elsewhere is a function decorated with `@task()` in
its app's `tasks.py` (arguments JSON-serialisable: ids, not objects), enqueued with `.enqueue(...)`
after the transaction that made its data has committed.
"""

from django.db import transaction
from django_tasks import task


@task()
def send_mail(ids=None):
    from .services import send_pending

    return send_pending(ids=ids)


def send_mail_after_commit(ids):
    transaction.on_commit(lambda: send_mail.enqueue(ids=ids))

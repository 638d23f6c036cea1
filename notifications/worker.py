"""The background worker that loses no work: django-tasks-db's worker, plus what it leaves to us.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again: a worker killed
mid-task (SIGKILL, an OOM kill, a power cut) leaves the row RUNNING for ever and the user waiting for a
file that never comes. And its loop exits on any database error but a lock, so a PostgreSQL restart
stops the worker. `manage.py task_worker` (deploy/systemd/dangzhibu-worker.service) therefore

- names each worker `host:pid:random`, so a worker on the same host can tell a dead colleague's task
  from a running one at once (the pid is gone), and any worker can tell it after TASK_TIMEOUT_MINUTES;
- reaps such lost tasks when it starts and every REAP_EVERY seconds: the first time a task is lost it is
  queued again, the second time it is marked failed; either way the user it was run for (its `user_id`
  argument) is told in the inbox, so nobody waits for nothing;
- survives the database going away: the loop waits and reconnects instead of exiting.
"""

import inspect
import logging
import os
import socket
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import close_old_connections, connections
from django.db.utils import InterfaceError, OperationalError
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("notifications.worker")

LOST = "notifications.worker.WorkerLost"
REAP_EVERY = 60  # seconds between two looks for lost tasks while the worker runs
RECONNECT_PAUSES = (1, 2, 5, 10, 30)  # seconds, then every 30 s until the database answers


class WorkerLost(Exception):
    """Recorded (as its path) on a task whose worker died while running it."""


def worker_id():
    """`host:pid:random`, within django-tasks-db's 64 characters."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{get_random_string(8)}"


def _dead_here(worker):
    """True when `worker` ran on this host and its process is gone."""
    parts = worker.split(":")
    if len(parts) != 3 or parts[0] != socket.gethostname()[:40] or not parts[1].isdigit():
        return False  # another host's worker, or one named otherwise: only the timeout can tell
    try:
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, under another user
    return False


def lost_tasks(*, now=None):
    """RUNNING tasks whose worker is known dead (same host) or that ran past TASK_TIMEOUT_MINUTES."""
    now = now or timezone.now()
    deadline = now - timezone.timedelta(minutes=settings.TASK_TIMEOUT_MINUTES)
    lost = []
    for result in DBTaskResult.objects.running().order_by("started_at"):
        last_worker = result.worker_ids[-1] if result.worker_ids else ""
        if _dead_here(last_worker) or (result.started_at and result.started_at < deadline):
            lost.append(result)
    return lost


def reap(*, now=None):
    """Re-queue (once) or fail each lost task, and tell its user; the number of tasks reaped."""
    now = now or timezone.now()
    reaped = 0
    for result in lost_tasks(now=now):
        # A conditional update: two workers reaping at once act on a task once.
        if not DBTaskResult.objects.filter(pk=result.pk, status=result.status, started_at=result.started_at).update(
                status="FAILED", finished_at=now, exception_class_path=LOST, return_value=None,
                traceback=f"后台进程（{', '.join(result.worker_ids)}）在运行中中断，任务未完成。"):
            continue
        reaped += 1
        again = not _lost_before(result)
        if again:
            _enqueue_again(result)
        _tell_owner(result, again=again)
        logger.warning("task %s (%s) lost by its worker: %s", result.pk, result.task_path,
                       "queued again" if again else "failed")
    return reaped


def _lost_before(result):
    earlier = DBTaskResult.objects.filter(task_path=result.task_path, exception_class_path=LOST).exclude(pk=result.pk)
    return any(row.args_kwargs == result.args_kwargs for row in earlier.only("args_kwargs"))


def _enqueue_again(result):
    task = result.task
    task.using(priority=result.priority, queue_name=result.queue_name).enqueue(
        *result.args_kwargs.get("args", []), **result.args_kwargs.get("kwargs", {}))


def _owner(result):
    """The user a task runs for: its `user_id` argument, by name or by position."""
    try:
        signature = inspect.signature(result.task.func)
        bound = signature.bind_partial(*result.args_kwargs.get("args", []), **result.args_kwargs.get("kwargs", {}))
    except (ImportError, TypeError, ValueError, AttributeError):
        return None
    user_id = bound.arguments.get("user_id")
    return get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None


def _tell_owner(result, *, again):
    from .services import notify

    owner = _owner(result)
    if owner is None:
        return
    label = settings.TASK_LABELS.get(result.task_path, "后台任务")
    if again:
        notify([owner], title=f"{label}因后台进程中断已重新排队",
               body="后台进程在处理时中断，系统已自动重新排队，完成后会另行通知，无需重复操作。")
    else:
        notify([owner], title=f"{label}未能完成",
               body="后台进程两次在处理时中断，任务已停止。请稍后重新操作；如仍不成功，请联系系统管理员。")


class ReconnectingWorker(Worker):
    """django-tasks-db's loop, run in its batch mode (every ready task, then return) inside a loop of ours
    that reaps lost tasks between batches and waits out a database that went away instead of exiting."""

    def __init__(self, *, batch, **options):
        super().__init__(batch=True, **options)
        self.once = batch  # the command's --batch: one pass, then exit

    def run(self):
        pauses = iter(RECONNECT_PAUSES)
        reaped_at = None
        while self.running:
            try:
                if reaped_at is None or time.monotonic() - reaped_at >= REAP_EVERY:
                    close_old_connections()
                    reap()
                    reaped_at = time.monotonic()
                super().run()
            except (OperationalError, InterfaceError) as error:
                pause = next(pauses, RECONNECT_PAUSES[-1])
                logger.warning("database unavailable (%s); retrying in %s s", str(error).strip()[:200], pause)
                for connection in connections.all():
                    connection.close()
                time.sleep(pause)
                continue
            pauses = iter(RECONNECT_PAUSES)
            self.startup_delay = False  # only before the first pass
            if self.once or (self.max_tasks is not None and self._run_tasks >= self.max_tasks):
                return
            if self.running:
                time.sleep(self.interval)


class QuietBatchEnd(logging.Filter):
    """Each pass of the batch mode ends with an INFO line; once a second, that is noise."""

    def filter(self, record):
        return not str(record.msg).startswith("No more tasks to run")

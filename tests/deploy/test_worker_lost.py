"""No work silently lost: a worker killed mid-task, a second loss, a task past its time, a database that
goes away (notifications/worker.py, `manage.py task_worker`)."""

import datetime
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from notifications import worker
from notifications.models import Notification
from tests.deploy.sleepy_task import sleepy

ROOT = Path(__file__).resolve().parents[2]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
HOST = socket.gethostname()[:40]


def database_url(port=None):
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return (f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{port or settings['PORT'] or 5432}"
            f"/{settings['NAME']}")


def start_worker(*, port=None):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings", "DATABASE_URL": database_url(port),
           "TASKS_BACKEND": "database", "DEBUG": "false"}
    return subprocess.Popen(
        [sys.executable, "manage.py", "task_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_for(condition, *, seconds=60, what=""):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


def dead_pid():
    finished = subprocess.Popen(["true"])
    finished.wait()
    return finished.pid


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_a_task_whose_worker_was_killed_is_queued_again_and_its_owner_told(tree, tmp_path):
    marker = tmp_path / "started"
    lost = sleepy.enqueue(tree.secretary.pk, str(marker))
    process = start_worker()
    try:
        wait_for(marker.exists, what="the worker to start the task")
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        process.kill()
    assert DBTaskResult.objects.get(pk=lost.id).status == "RUNNING"  # what django-tasks-db alone leaves

    # The next worker (systemd restarts it) sees that the task's process is gone and queues it again.
    call_command("task_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    first = DBTaskResult.objects.get(pk=lost.id)
    assert first.status == "FAILED" and first.exception_class_path == worker.LOST
    assert f"{HOST}:{process.pid}:" in first.traceback
    again = DBTaskResult.objects.exclude(pk=lost.id).get()
    assert again.status == "SUCCESSFUL" and again.return_value == "done"
    assert again.args_kwargs == first.args_kwargs
    told = Notification.objects.get(user=tree.secretary)
    assert "重新排队" in told.title and "无需重复操作" in told.body


def running(result, *, worker_name, started_at=None):
    DBTaskResult.objects.filter(pk=result.id).update(status="RUNNING", worker_ids=[worker_name],
                                                     started_at=started_at or timezone.now())


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_a_task_lost_twice_is_failed_and_its_owner_told_to_try_again(tree, tmp_path):
    running(sleepy.enqueue(user_id=tree.secretary.pk, marker=str(tmp_path / "m")), worker_name=f"{HOST}:{dead_pid()}:a")
    assert worker.reap() == 1
    second = DBTaskResult.objects.get(status="READY")
    running(second, worker_name=f"{HOST}:{dead_pid()}:b")
    assert worker.reap() == 1
    assert not DBTaskResult.objects.exclude(status="FAILED").exists()  # not queued a third time
    titles = list(Notification.objects.filter(user=tree.secretary).order_by("pk").values_list("title", flat=True))
    assert "重新排队" in titles[0] and "未能完成" in titles[1] and len(titles) == 2
    assert worker.reap() == 0


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS, TASK_TIMEOUT_MINUTES=60)
def test_another_hosts_task_is_lost_only_after_the_timeout_and_a_live_worker_keeps_its_task(tree, tmp_path):
    now = timezone.now()
    other_host = sleepy.enqueue(tree.secretary.pk, str(tmp_path / "a"))
    running(other_host, worker_name="web2:4242:x", started_at=now - datetime.timedelta(minutes=59))
    alive_here = sleepy.enqueue(tree.secretary.pk, str(tmp_path / "b"))
    running(alive_here, worker_name=f"{HOST}:{os.getpid()}:y", started_at=now - datetime.timedelta(minutes=5))
    assert worker.reap(now=now) == 0
    assert worker.reap(now=now + datetime.timedelta(minutes=2)) == 1
    assert DBTaskResult.objects.get(pk=other_host.id).exception_class_path == worker.LOST
    assert DBTaskResult.objects.get(pk=alive_here.id).status == "RUNNING"


class Gate:
    """A TCP proxy in front of PostgreSQL that can be shut (every connection cut, new ones refused)."""

    def __init__(self, target_port):
        self.target = ("127.0.0.1", int(target_port))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = True
        self.sockets = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def shut(self):
        self.open = False
        for sock in self.sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.sockets = []

    def close(self):
        self.shut()
        self.listener.close()


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_the_worker_waits_out_a_database_that_went_away_and_runs_what_was_queued(tree, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("a database server to lose: SQLite is a file, it does not go away (PostgreSQL run covers this)")
    gate = Gate(connection.settings_dict["PORT"] or 5432)
    process = start_worker(port=gate.port)
    try:
        (tmp_path / "first").write_text("")  # marked already: the task returns at once
        first = sleepy.enqueue(tree.secretary.pk, str(tmp_path / "first"))
        wait_for(lambda: DBTaskResult.objects.get(pk=first.id).status == "SUCCESSFUL", what="the first task")
        gate.shut()  # as in a PostgreSQL restart: connections cut, new ones refused
        time.sleep(3)
        assert process.poll() is None, process.stdout.read()
        (tmp_path / "second").write_text("")
        second = sleepy.enqueue(tree.secretary.pk, str(tmp_path / "second"))
        gate.open = True
        wait_for(lambda: DBTaskResult.objects.get(pk=second.id).status == "SUCCESSFUL", what="the task queued meanwhile")
        assert process.poll() is None
    finally:
        process.kill()
        output = process.communicate(timeout=10)[0]
        gate.close()
    assert "database unavailable" in output

"""`manage.py task_worker`: django-tasks-db's `db_worker`, with the same options, that loses no work
(notifications/worker.py: lost tasks reaped, the database waited for)."""

import logging
import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from notifications.worker import QuietBatchEnd, ReconnectingWorker, worker_id


class Command(db_worker.Command):
    help = "运行后台任务（即 db_worker，另加：中断的任务重新排队或标为失败并通知本人，数据库断开后自动重连）"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # host:pid:random, so a worker on the same host can tell that this one died (worker.py).
        parser.set_defaults(worker_id=worker_id())

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay, reload, max_tasks,
               worker_id, exclude_queues, **options):
        self.configure_logging(verbosity)
        logging.getLogger("django_tasks_db").addFilter(QuietBatchEnd())
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ReconnectingWorker(queue_names=queue_names, interval=interval, batch=batch, backend_name=backend_name,
                                    startup_delay=startup_delay, max_tasks=max_tasks, worker_id=worker_id,
                                    excluded_queue_names=excluded)
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only in the reloader's child, as db_worker does
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()

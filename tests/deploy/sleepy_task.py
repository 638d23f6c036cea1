"""A task for the worker tests: the first run marks a file and sleeps (to be killed); later runs return."""

import time
from pathlib import Path

from django_tasks import task


@task()
def sleepy(user_id, marker):
    path = Path(marker)
    if not path.exists():
        path.write_text("started")
        time.sleep(120)
    return "done"

"""The whole demo (`seed_demo`), built once per test module on a given day and rolled back after it.

Seeding takes a while, so a module builds it once: the data lives in a transaction opened here, each
test runs in a savepoint inside it (pytest-django's usual per-test rollback), and the transaction is
rolled back when the module is done. `today` is patched for the whole module, so the demo is built,
and its pages are read, as on that day.
"""

import contextlib
import datetime
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone


@dataclass
class DemoWorld:
    today: datetime.date
    media_root: Path
    output: str


@contextlib.contextmanager
def demo_built_on(day, media_root):
    with contextlib.ExitStack() as stack:
        stack.enter_context(override_settings(DEBUG=True, MEDIA_ROOT=media_root))
        if day is not None:
            patch = stack.enter_context(pytest.MonkeyPatch.context())
            patch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
        with transaction.atomic():
            out = io.StringIO()
            call_command("seed_demo", stdout=out)
            yield DemoWorld(today=timezone.localdate(), media_root=media_root, output=out.getvalue())
            transaction.set_rollback(True)


def demo_fixture(days):
    """A module-scoped fixture `demo`, parametrized over the days the demo is built on (None: today)."""

    @pytest.fixture(scope="module", params=days, ids=lambda day: "today" if day is None else day.isoformat())
    def demo(request, django_db_setup, django_db_blocker, tmp_path_factory):
        with django_db_blocker.unblock(), demo_built_on(request.param, tmp_path_factory.mktemp("demo-media")) as world:
            yield world

    return demo

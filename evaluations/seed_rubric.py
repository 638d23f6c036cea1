"""The 七个有力 rubric that the data migration loads, available again where a test database was
flushed (browser tests run in transactions that are emptied afterwards, data migrations included)."""

import importlib

from django.apps import apps

_migration = importlib.import_module("evaluations.migrations.0002_seven_capabilities")
CODE = _migration.CODE


def seven_capabilities():
    _migration.load(apps, None)  # does nothing when the rubric is there
    return apps.get_model("evaluations", "Rubric").objects.get(code=CODE, version=1)

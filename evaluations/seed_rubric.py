"""The rubrics of the 七个有力 that the data migrations load (the seven alone, and the seven with seed 002's
特色要求), available again where a test database was flushed (browser tests run in transactions that are
emptied afterwards, data migrations included)."""

import importlib

from django.apps import apps

_migration = importlib.import_module("evaluations.migrations.0002_seven_capabilities")
_featured = importlib.import_module("evaluations.migrations.0004_featured_requirements")
CODE = _migration.CODE


def seven_capabilities():
    _migration.load(apps, None)  # does nothing when the rubric is there
    return apps.get_model("evaluations", "Rubric").objects.get(code=CODE, version=1)


def with_featured_requirements():
    """The 七个有力 with the 特色要求 of each kind of branch (the version a new 样板党支部 round takes)."""
    seven_capabilities()
    _featured.load(apps, None)  # does nothing when a version holds them
    return (apps.get_model("evaluations", "Rubric").objects
            .filter(code=CODE, criteria__group=_featured.GROUP).distinct().order_by("-version").first())

"""What the apps contribute to pages and lists they do not own, read from the lists declared in
config/settings.py (HOME_PANELS, ORGANIZATION_PANELS, PROJECT_PANELS, REPORT_PANELS, PROJECT_READERS,
EVENT_LABELS, DEMO_BUILDERS, REMINDER_JOBS, EXPORT_READY). The order there is
the order on the page, and nothing is added by importing a module: a reader finds every
contribution in one place."""

import functools

from django.conf import settings
from django.utils.module_loading import import_string


def declared(name):
    """The objects a setting lists by dotted path, imported once per distinct list."""
    return _load(tuple(getattr(settings, name)))


@functools.cache
def _load(paths):
    return tuple(import_string(path) for path in paths)

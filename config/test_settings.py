"""The suite's settings: production settings with what a test client cannot do switched off."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key")

from .settings import *  # noqa: E402,F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]


def _years_after_the_holiday_package():
    # A 公示 reaching a year chinesecalendar does not know is refused (cultivation/holidays.py). The
    # suite's notices start "today", so from late December until the package knows the new year they
    # would all be refused: here those years count as weekends only. tests/cultivation/test_holidays.py
    # turns this off to test the refusal; the README tells staff what to do when the year turns.
    import datetime

    from chinese_calendar import constants

    from tests.clock import DAYS_AHEAD

    this_year = (datetime.date.today() + datetime.timedelta(days=DAYS_AHEAD)).year
    last = max(day.year for day in constants.holidays)
    return tuple(range(last + 1, max(last, this_year) + 4))


HOLIDAYS_WEEKENDS_ONLY_YEARS = _years_after_the_holiday_package()

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    import tempfile

    # A file, not SQLite's shared in-memory database: there a second connection (a thread in the
    # race tests, the live server of the browser tests) fails at once on a lock instead of waiting.
    DATABASES["default"]["TEST"]["NAME"] = os.path.join(  # noqa: F405
        tempfile.gettempdir(), f"dangzhibu-test-{os.getpid()}.sqlite3")
    # A throw-away database need not survive a power cut: skip the disk syncs.
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA synchronous=OFF;"  # noqa: F405

# A template variable that fails to resolve renders this marker, so a page cannot hide one behind an
# empty string (tests/test_crawl.py fails on any page that contains it). Django's admin templates
# rely on invalid variables rendering as "", so the crawl exempts /admin/; and the setting is applied
# by the crawl's fixture rather than here for the whole suite, where crispy-forms and the admin would
# show it in pages that other tests compare.
INVALID_MARKER = "⟦无效变量：%s⟧"

# django-zeal (tests only: it patches the ORM's relation loading) reports a relation loaded row by row from
# one line of code. It watches only inside zeal.zeal_context(), which tests/test_query_counts.py opens around
# each page it crawls; there an N+1 raises. Entries of ZEAL_ALLOWLIST name a model and field zeal is wrong
# about, each with its reason.
INSTALLED_APPS = [*INSTALLED_APPS, "zeal"]  # noqa: F405
ZEAL_RAISE = True
ZEAL_ALLOWLIST = []

import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from tests import clock
from tests.factories import Tree

# Timing is not a test's business: a property test slowed by a loaded machine is not a failure. A failing
# example prints the blob that replays it (@reproduce_failure) whatever the seed.
hypothesis_settings.register_profile("suite", deadline=None, print_blob=True)
hypothesis_settings.load_profile("suite")


def pytest_configure(config):
    clock.start()


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def tree(db):
    return Tree()


@pytest.fixture
def client_for(client):
    """A test client logged in as the given user."""

    def login(user):
        client.force_login(user)
        return client

    return login


# The path is fixed in production use; the variable lets the suite test its own skip rule.
CHROMIUM = os.environ.get("DANGZHIBU_CHROMIUM", "/usr/bin/chromium")
E2E_DIR = Path(__file__).parent / "e2e"
_skipped_browser_tests = []
_collected = []


def pytest_collection_modifyitems(config, items):
    # Marked here, at the root, and only for tests under tests/e2e/: a hook in tests/e2e/conftest.py
    # would see (and mark) every collected item of the session.
    for item in items:
        if E2E_DIR in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)
    _collected[:] = items
    if os.path.exists(CHROMIUM):
        return
    browser_tests = [item for item in items if item.get_closest_marker("e2e")]
    if not browser_tests:
        return
    if os.environ.get("CI", "").lower() == "true":
        raise pytest.UsageError(f"CI=true: {CHROMIUM} is missing, and the browser tests may not be skipped in CI")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not found: browser tests skipped")
    for item in browser_tests:
        item.add_marker(skip)
    _skipped_browser_tests.extend(browser_tests)


def pytest_terminal_summary(terminalreporter):
    if _skipped_browser_tests:
        others = len(_collected) - len(_skipped_browser_tests)
        terminalreporter.write_line(
            f"SKIPPED {len(_skipped_browser_tests)} browser tests: {CHROMIUM} is not installed "
            f"(apt-get install chromium fonts-noto-cjk to run them); the other {others} tests ran.",
            yellow=True, bold=True,
        )

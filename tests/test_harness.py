"""The suite's own rule for a machine without Chromium: only the browser tests skip."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ["tests/branches/test_rules.py", "tests/e2e/test_roles.py"]


def run_sample(**env):
    environment = {**os.environ, "DANGZHIBU_CHROMIUM": "/nonexistent/chromium", **env}
    if "CI" not in env:
        environment.pop("CI", None)
    if environment.get("DATABASE_URL"):
        # Its own test database: under the same name the inner run would drop the outer run's.
        environment["DATABASE_URL"] = environment["DATABASE_URL"].rsplit("/", 1)[0] + "/harness"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *SAMPLE],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300,
    )


def test_without_chromium_only_the_browser_tests_skip():
    result = run_sample()
    assert result.returncode == 0, result.stdout + result.stderr
    summary = next(line for line in result.stdout.splitlines() if " passed" in line)
    assert " passed" in summary and " skipped" in summary, summary
    passed = int(summary.split(" passed")[0].split()[-1])
    assert passed >= 3, summary
    assert "browser tests: /nonexistent/chromium is not installed" in result.stdout
    assert f"the other {passed} tests ran" in result.stdout


def test_without_chromium_in_ci_the_run_fails():
    result = run_sample(CI="true")
    assert result.returncode != 0
    assert "may not be skipped in CI" in result.stdout + result.stderr


def test_the_suite_clock_is_the_real_one_moved_by_the_days_ahead():
    import datetime

    import time_machine
    from django.utils import timezone

    from tests import clock

    hatch = time_machine.escape_hatch
    assert hatch.is_travelling() == bool(clock.DAYS_AHEAD)
    real = (hatch.datetime.datetime if hatch.is_travelling() else datetime.datetime).now(datetime.timezone.utc)
    moved = timezone.now() - real
    assert abs(moved - datetime.timedelta(days=clock.DAYS_AHEAD)) < datetime.timedelta(minutes=5)

"""The suite's one clock: the real one, moved ahead by DANGZHIBU_TEST_DAYS_AHEAD days.

Services ask `timezone.localdate()`/`timezone.now()`; tests ask the same functions (never a date of their
own that a service cannot see), so both read this clock. CI runs the date-sensitive part of the suite a
year ahead (`.ci/run`) to prove that a suite green today is green next year: a test that fixes "today"
while the service reads the calendar fails there at once, not on the day the calendar catches up.
"""

import datetime
import os

import time_machine

DAYS_AHEAD = int(os.environ.get("DANGZHIBU_TEST_DAYS_AHEAD") or 0)


def start():
    """Move the whole process (live-server threads included) before any test module is imported."""
    if not DAYS_AHEAD:
        return None
    # tick=True: time still runs, so timeouts, session ages and lock waits behave as in production.
    traveller = time_machine.travel(
        datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=DAYS_AHEAD), tick=True)
    traveller.start()
    return traveller

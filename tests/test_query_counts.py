"""Every page runs as many queries with three times the rows as with the demo's, and at most LIMIT (issue 14).

The demo is crawled as each account and as a visitor (tests/crawl.py, one URL per URL name), counting
each page's queries; then bench.grow copies every branch that has a project twice, with everything
under it (projects, reports, evidence, sheets, notices' items, events…), and the same URLs are asked
again. A page whose count moved runs a query per row somewhere.

Each page is also asked inside django-zeal's context, which fails on a relation loaded row by row from one
line of code. It finds what a count at two sizes can miss: a loop over two rows of the demo adds as many
queries at both sizes when both have the same two rows (a project's featured activities, say).
"""

from contextlib import nullcontext

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from zeal import NPlusOneError, zeal_context

from bench.grow import grow
from tests.crawl import SKIP_PATHS, crawl

ACCOUNTS = ["staff", "unit", "secretary", "reviewer", "province", "staff2"]
START = ["/", "/public/notices/"]
# Django's admin is for superusers and is the benchmark's reference, not one of our pages.
SKIP = (*SKIP_PATHS, "/admin/")
# No page may run more queries than this (issue 14)...
LIMIT = 15
# ...but these, each with the most it runs today (on the demo, and after growth) and why. None grows with the
# rows (the test below); each reads one table per section it shows and shows more sections than the limit
# leaves room for. Lower an entry when its page gets cheaper; remove it at 15.
OVER_LIMIT = {
    # A 组织部 home whose reports panel falls through to 已逾期 (nothing awaits acceptance or endorsement):
    # the counts in SQL (with the milestones' correction), then the overdue periods listed (projects,
    # milestones, reports under way). Counting from the list instead would read every open project's
    # reports on every staff home, the cost the counts exist to avoid at a province's size.
    "home": 16,
    # session, user, roles, unread count, the project (with batch, 中期 and 验收 records), activities with
    # spending, extensions, review attachments, 整改意见, the task book and its tasks, events or a reviewer's
    # 回避 declarations, notices, the 培育记录's periods (milestones, reports) and its four evidence lists.
    "cultivation:project_detail": 19,
    # The score sheet beside the project's materials: the sheet, criteria, scores, queue progress, the self
    # evaluation, activities, review attachments, the task book, 整改意见 and deliverables, the 回避 declarations,
    # and the reviewer's summary (reports, one row of evidence counts, activity progress).
    "evaluations:sheet": 19,
    # The batch's statistics table (eight grouped counts, one per kind of record) plus states, grades, the
    # excellent, the top publishers and the latest outcomes.
    "dashboards:batch_summary": 17,
}


class CountingClient:
    def __init__(self, client):
        self.client, self.counts, self.nplusone = client, {}, []

    def get(self, url, *args, **kwargs):
        try:
            return self._get(url, *args, **kwargs)
        except NPlusOneError as error:
            # Noted, then asked again unwatched so the crawl and the counts go on.
            self.nplusone.append(f"{url}: {error}")
            return self._get(url, *args, zeal=False, **kwargs)

    def _get(self, url, *args, zeal=True, **kwargs):
        # The connection keeps its last 9,000 queries only; a full log would capture nothing.
        connection.queries_log.clear()
        # One zeal context per page: its counts of call sites must not add up across pages.
        with CaptureQueriesContext(connection) as queries, (zeal_context() if zeal else nullcontext()):
            response = self.client.get(url, *args, **kwargs)
            if response.streaming:
                b"".join(response.streaming_content)  # a streamed export runs its queries while it streams
        self.counts[url] = (len(queries), response.status_code)
        return response


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, demo_media):
    with django_db_blocker.unblock(), override_settings(DEBUG=True, MEDIA_ROOT=demo_media):
        call_command("seed_demo", verbosity=0)
        call_command("send_reminders", verbosity=0)
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def clients():
    User = get_user_model()
    for username in [None, *ACCOUNTS]:
        client = Client()
        if username:
            client.force_login(User.objects.get(username=username))
        yield username or "（访客）", client


def measure(client, urls, nplusone):
    """Each URL's queries, asked once more after the crawl: warm caches and a settled session, as a
    user's second visit is."""
    if urls:
        client.get(urls[0])  # a fresh sign-in's first page also saves the session
    counting = CountingClient(client)
    for url in urls:
        counting.get(url)
    nplusone += counting.nplusone
    return counting.counts


def over_limit(who, counts):
    """The pages above LIMIT (or above their OVER_LIMIT entry), as lines for a failure message."""
    found = []
    for url, (queries, status) in counts.items():
        if status == 200 and queries > OVER_LIMIT.get(resolve(url.split("?")[0]).view_name, LIMIT):
            found.append(f"{who} {url}: {queries} 条查询")
    return found


def test_no_page_runs_more_queries_with_more_rows(demo, db, settings, demo_media):
    settings.MEDIA_ROOT = demo_media
    # The crawl and the growth take minutes: a session refresh falling inside a measure would look like
    # three queries more on whichever page it fell on.
    settings.SESSION_REFRESH_SECONDS = 24 * 60 * 60
    urls, before, nplusone = {}, {}, []
    for who, client in clients():
        counting = CountingClient(client)
        crawl(counting, START, per_pattern=1, skip=SKIP)
        nplusone += counting.nplusone
        urls[who] = [url for url, (_, status) in counting.counts.items() if status == 200]
        before[who] = measure(client, urls[who], nplusone)
    assert sum(len(found) for found in urls.values()) > 100  # the crawl reached the site
    assert not nplusone, "逐行读取关联（N+1）：\n" + "\n".join(nplusone)
    heavy = [line for who in before for line in over_limit(who, before[who])]
    assert not heavy, f"查询数超过 {LIMIT} 条：\n" + "\n".join(heavy)

    grown = grow(copies=2)
    assert grown["cultivation.Project"] >= 2 * 10 and grown["cultivation.ProgressReport"] > 0

    moved, heavy = [], []
    for who, client in clients():
        after = measure(client, urls[who], nplusone)
        moved += [f"{who} {url}: {before[who][url][0]} → {after[url][0]} 条查询（HTTP {after[url][1]}）"
                  for url in urls[who] if after[url][0] != before[who][url][0]]
        heavy += over_limit(who, after)
    assert not nplusone, "数据增长后逐行读取关联（N+1）：\n" + "\n".join(nplusone)
    assert not moved, "查询数随数据增长：\n" + "\n".join(moved)
    assert not heavy, f"数据增长后查询数超过 {LIMIT} 条：\n" + "\n".join(heavy)

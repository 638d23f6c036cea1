"""Every page runs as many queries with three times the rows as with the demo's (issue 14).

The demo is crawled as each account and as a visitor (tests/crawl.py, one URL per URL name), counting
each page's queries; then bench.grow copies every branch that has a project twice, with everything
under it (projects, reports, evidence, sheets, notices' items, events…), and the same URLs are asked
again. A page whose count moved runs a query per row somewhere.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from bench.grow import grow
from tests.crawl import SKIP_PATHS, crawl

ACCOUNTS = ["staff", "unit", "secretary", "reviewer", "province", "staff2"]
START = ["/", "/public/notices/"]
# Django's admin is for superusers and is the benchmark's reference, not one of our pages.
SKIP = (*SKIP_PATHS, "/admin/")


class CountingClient:
    def __init__(self, client):
        self.client, self.counts = client, {}

    def get(self, url, *args, **kwargs):
        # The connection keeps its last 9,000 queries only; a full log would capture nothing.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
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


def measure(client, urls):
    """Each URL's queries, asked once more after the crawl: warm caches and a settled session, as a
    user's second visit is."""
    if urls:
        client.get(urls[0])  # a fresh sign-in's first page also saves the session
    counting = CountingClient(client)
    for url in urls:
        counting.get(url)
    return counting.counts


def test_no_page_runs_more_queries_with_more_rows(demo, db, settings, demo_media):
    settings.MEDIA_ROOT = demo_media
    # The crawl and the growth take minutes: a session refresh falling inside a measure would look like
    # three queries more on whichever page it fell on.
    settings.SESSION_REFRESH_SECONDS = 24 * 60 * 60
    urls, before = {}, {}
    for who, client in clients():
        counting = CountingClient(client)
        crawl(counting, START, per_pattern=1, skip=SKIP)
        urls[who] = [url for url, (_, status) in counting.counts.items() if status == 200]
        before[who] = measure(client, urls[who])
    assert sum(len(found) for found in urls.values()) > 100  # the crawl reached the site

    grown = grow(copies=2)
    assert grown["cultivation.Project"] >= 2 * 10 and grown["cultivation.ProgressReport"] > 0

    moved = []
    for who, client in clients():
        after = measure(client, urls[who])
        moved += [f"{who} {url}: {before[who][url][0]} → {after[url][0]} 条查询（HTTP {after[url][1]}）"
                  for url in urls[who] if after[url][0] != before[who][url][0]]
    assert not moved, "查询数随数据增长：\n" + "\n".join(moved)

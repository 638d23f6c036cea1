"""A crawl of the demo as every role (issue 8, "close the classes").

Loads `seed_demo` once, then, as each demo account and as a visitor, follows every same-site link
(GET only, at most PER_PATTERN URLs per URL name, see tests/crawl.py) and fails on:
- any 5xx;
- any template variable that failed to resolve: the templates render with a marker as
  `string_if_invalid` (INVALID_MARKER in config/test_settings.py) and no page may contain it. The
  admin's own templates rely on invalid variables (Django documents this), so /admin/ pages are
  exempt from this one check only;
- any raw enum value where its label belongs: the values of every TextChoices of our apps that
  differ from their labels, as whole words in the visible text (tags and attributes stripped, so
  values inside URLs, ids and data-* attributes are allowed);
- any HTML page without a non-empty <title>.
"""

import re
from html import unescape

import pytest
from django.core.management import call_command
from django.db import models
from django.test import override_settings

from config.test_settings import INVALID_MARKER
from tests.crawl import crawl

PER_PATTERN = 2
ACCOUNTS = ["staff", "unit", "secretary", "reviewer", "province", "staff2"]
START = ["/", "/public/notices/"]
APPS = ("branches", "notifications", "cultivation", "evaluations")
MARKER_TEXT = INVALID_MARKER.split("%s")[0]


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, demo_media):
    with django_db_blocker.unblock(), override_settings(DEBUG=True, MEDIA_ROOT=demo_media):
        call_command("seed_demo", verbosity=0)
        # The daily job's rows (reminders, their notifications and events, with no acting user) are
        # part of what every page must render.
        call_command("send_reminders", verbosity=0)
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def loud_templates(settings, demo_media):
    settings.MEDIA_ROOT = demo_media  # the demo's evidence files
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "OPTIONS": {**engine["OPTIONS"], "string_if_invalid": INVALID_MARKER}}]


def raw_enum_values():
    """Every TextChoices value of our apps that a reader should never see: it differs from its label."""
    values = set()
    for subclass in _subclasses(models.TextChoices):
        if subclass.__module__.split(".")[0] in APPS:
            values |= {member.value for member in subclass if member.value != member.label}
    return values


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def visible_text(html):
    html = re.sub(r"<(script|style|title)\b[^>]*>.*?</\1>", " ", html, flags=re.S | re.I)
    html = re.sub(r"<!--.*?-->", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def problems_of(pages, *, usernames):
    # A user name shown as a name (the navbar's "secretary") is not an enum value.
    raw = sorted(raw_enum_values() - usernames)
    raw_words = re.compile(r"(?<![\w\-/.])(" + "|".join(map(re.escape, raw)) + r")(?![\w\-/])")
    problems = []
    for page in pages:
        if page.status >= 500:
            problems.append(f"{page.url}: {page.status}\n{page.error[-1500:]}")
            continue
        if page.status == 404:
            problems.append(f"{page.url}: 404, yet a page links to it")
        if not page.is_html or not page.html:
            continue  # a download, or a redirect (the crawl follows its target)
        if MARKER_TEXT in page.html and not page.url.startswith("/admin/"):
            names = sorted(set(re.findall(re.escape(MARKER_TEXT) + r"(.*?)⟧", page.html)))
            problems.append(f"{page.url}: template variables that failed to resolve: {names}")
        title = re.search(r"<title>(.*?)</title>", page.html, re.S)
        if not title or not title.group(1).strip():
            problems.append(f"{page.url}: no <title>")
        found = sorted(set(raw_words.findall(visible_text(page.html))))
        if found:
            problems.append(f"{page.url}: raw enum values {found}")
    return problems


def crawl_as(client, username):
    from django.contrib.auth import get_user_model

    start = list(START)
    if username:
        user = get_user_model().objects.get(username=username)
        client.force_login(user)
        if user.is_staff:
            start.append("/admin/")
    else:
        start.append("/login/")
    return crawl(client, start, per_pattern=PER_PATTERN)


@pytest.mark.parametrize("username", [*ACCOUNTS, None],
                         ids=[*ACCOUNTS, "anonymous"])
def test_the_demo_crawled_as_each_role_has_no_broken_page(demo, db, client, loud_templates, username):
    from django.contrib.auth import get_user_model

    pages = crawl_as(client, username)
    assert len(pages) > (3 if username is None else 10), [page.url for page in pages]
    usernames = set(get_user_model().objects.values_list("username", flat=True))
    problems = problems_of(pages, usernames=usernames)
    assert not problems, "\n".join(problems)


def test_the_crawl_catches_what_it_is_for(rf):
    """The checks themselves: a 500, a marker, a raw value and a missing title are each reported."""
    from tests.crawl import Page

    html = "<html><head><title>t</title></head><body>{}</body></html>"
    pages = [Page("/a", 500, "", error="boom"), Page("/b", 200, html.format(INVALID_MARKER % "x.y"), "text/html"),
             Page("/c", 200, html.format("验收等次：excellent"), "text/html"),
             Page("/d", 200, "<html><title> </title></html>", "text/html"),
             Page("/f", 404, "", "text/html"), Page("/e", 200, html.format('<a href="/x/?state=excellent">优秀</a>'), "text/html")]
    problems = problems_of(pages, usernames=set())
    assert [p.split(":")[0] for p in problems] == ["/a", "/b", "/c", "/d", "/f"]
    assert "x.y" in problems[1] and "excellent" in problems[2]




# Phrases that name the school level (issue 24, item 10): on a page of a batch above a school, and on
# pages that belong to no batch, the province's staff must not read them.
SCHOOL_ONLY = ("待学校筛选", "推荐报送党委组织部", "退回二级党组织", "待二级党组织推荐", "党委组织部开始筛选")
NEVER_ABOVE_A_SCHOOL = ("全校党支部概况",)
BATCH_VIEWS = {"cultivation:batch_detail", "cultivation:nominations", "cultivation:screening",
               "cultivation:compare", "cultivation:recommend_up", "cultivation:batch_quota"}
PROJECT_VIEWS = {"cultivation:project_detail"}


def level_of_page(url):
    """The level of the batch a page belongs to, or None for a page of no single batch."""
    from urllib.parse import urlsplit

    from django.urls import Resolver404, resolve

    from cultivation.models import Batch, Project

    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    if match.view_name in BATCH_VIEWS:
        return Batch.objects.filter(pk=match.kwargs["pk"]).values_list("level", flat=True).first()
    if match.view_name in PROJECT_VIEWS:
        return Project.objects.filter(pk=match.kwargs["pk"]).values_list("batch__level", flat=True).first()
    return None


def test_the_province_crawled_reads_no_school_words(demo, db, client, loud_templates):
    pages = [page for page in crawl_as(client, "province") if page.is_html and page.html]
    levels = {page.url: level_of_page(page.url) for page in pages}
    assert "province" in levels.values(), "the crawl reached no page of the province's batch"
    problems = []
    for page in pages:
        text = visible_text(page.html)
        phrases = NEVER_ABOVE_A_SCHOOL + (SCHOOL_ONLY if levels[page.url] == "province" else ())
        found = [phrase for phrase in phrases if phrase in text]
        if found:
            problems.append(f"{page.url}: {found}")
    assert not problems, "\n".join(problems)


def test_no_page_of_the_demo_doubles_a_full_stop(demo, db, client, loud_templates):
    problems = []
    for username in ["staff", "province", "secretary"]:
        client.logout()
        for page in crawl_as(client, username):
            if page.is_html and "。。" in visible_text(page.html):
                problems.append(f"{username} {page.url}")
    assert not problems, "\n".join(problems)

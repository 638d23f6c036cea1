"""Hostile values where a browser never lets a person type: ids in the URL, the query string, hidden fields.

The form fuzz tests (test_fuzz_<app>.py) post into the fields a form declares. These send what a
hand-edited URL or a tampered page sends, to every URL of the access matrix, as a role the row lets
in on its own object:
- every id in the path replaced by a hostile one (the path is built by substitution into the URL
  pattern, since reverse() cannot produce an invalid id): the answer is the Chinese 404;
- the query string of every page filled with hostile values for `page`, `ids` and every field of
  the page's GET forms: never a 5xx;
- every hidden field (`version`, `next`, ids) of every POST replaced by hostile values: never a 5xx,
  and nothing written unless the request was accepted.
"""

import re
from html.parser import HTMLParser
from urllib.parse import quote, urlencode

import pytest
from django.db import transaction
from django.test import Client
from django.urls import get_resolver
from django.urls.converters import IntConverter
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from .db import changed_tables, row_counts
from .fuzz import HOSTILE_IDS, hostile_hidden, hostile_id
from .fuzz_support import accepted
from .matrix import NOT_FOUND, OK, REDIRECT, ROLES, all_rows
from .test_access_matrix import ADMIN_NAMESPACE, walk

pytestmark = pytest.mark.django_db

ROWS = all_rows()
ROUTES = {name: text for name, text, _ in walk(get_resolver()) if name}
# An id in a route: <int:pk> in the old URLconfs, <id:pk> since every id goes through one converter.
ID_IN_ROUTE = re.compile(r"<(?:int|id):(\w+)>")
ANY_IN_ROUTE = re.compile(r"<(?:\w+:)?(\w+)>")
EXAMPLES = 8
# Tables a refused post writes by design, each with its reason.
REFUSALS_MAY_WRITE = {
    "cultivation_spentchallenge": "a wrong 验证题 answer spends its question, so answers cannot be tried one by one",
}


def _let_in(row):
    """The first role the row lets in on its own object (OK or a redirect after a success), or None."""
    return next((role for role, answer in row.own.items() if answer in (OK, REDIRECT) and ROLES[role]), None)


def _path(name, kwargs, **replaced):
    """The path of URL `name` with `kwargs`, some replaced by raw values (percent-encoded like a browser)."""
    values = {key: str(value) for key, value in kwargs.items()}
    values.update({key: quote(value, safe="") for key, value in replaced.items()})
    return "/" + ANY_IN_ROUTE.sub(lambda match: values[match.group(1)], ROUTES[name])


def _rows(predicate):
    return [pytest.param(row, id=row.id) for row in ROWS if _let_in(row) and predicate(row)]


class _Client:
    """A signed-in client whose every request is undone afterwards, so each one meets the same state."""

    def __init__(self, world, row):
        self.world, self.row = world, row
        self.client = Client()
        self.client.force_login(world.user(_let_in(row)))

    def send(self, method, path, data):
        with transaction.atomic():
            try:
                before = row_counts()
                try:
                    response = getattr(self.client, method)(path, data)
                except Exception as error:  # the test client re-raises a view's exception: a 500
                    raise AssertionError(f"{method.upper()} {path} {data!r} raised {error!r}") from error
                assert response.status_code < 500, f"{response.status_code} for {method.upper()} {path} {data!r}"
                if method == "post" and not accepted(response):
                    changed = {table: counts for table, counts in changed_tables(before, row_counts()).items()
                               if table not in REFUSALS_MAY_WRITE}
                    assert not changed, f"a refused {method.upper()} {path} {data!r} wrote to {changed}"
                return response
            finally:
                transaction.set_rollback(True)

    def data(self):
        return self.row.data(self.world, "own") if self.row.data else {}


def test_no_url_pattern_takes_an_unbounded_int():
    """Every id in a URL goes through the bounded <id:...> converter (branches/converters.py).

    Django's <int:...> takes any run of digits, and a 20-digit id then reaches the database.
    """
    unbounded = [text for name, text, _ in walk(get_resolver())
                 if not (name or "").startswith(f"{ADMIN_NAMESPACE}:") and "<int:" in text]
    assert not unbounded, f"URL patterns with <int:...>; use <id:...> instead: {unbounded}"
    converters = [type(converter) for pattern in _app_patterns() for converter in pattern.converters.values()]
    assert IntConverter not in converters


def _app_patterns():
    def patterns(resolver):
        for pattern in resolver.url_patterns:
            if getattr(pattern, "namespace", None) == ADMIN_NAMESPACE:
                continue
            yield pattern.pattern
            if hasattr(pattern, "url_patterns"):
                yield from patterns(pattern)
    return [pattern for pattern in patterns(get_resolver()) if hasattr(pattern, "converters")]


def test_every_route_with_an_id_is_covered_here():
    """The rows below reach every URL with an id (the matrix has a row per name; this checks the routes match)."""
    with_ids = {name for name, text in ROUTES.items() if ID_IN_ROUTE.search(text)}
    covered = {row.name for row in ROWS if _let_in(row) and ID_IN_ROUTE.search(ROUTES[row.name])}
    assert with_ids and with_ids <= covered | {name for name in with_ids if name.startswith(f"{ADMIN_NAMESPACE}:")}


@pytest.mark.parametrize("row", _rows(lambda row: ID_IN_ROUTE.search(ROUTES[row.name])))
def test_a_hostile_id_in_the_url_answers_not_found(world, row):
    kwargs = row.kwargs(world, "own")
    client = _Client(world, row)
    for key in ID_IN_ROUTE.findall(ROUTES[row.name]):
        for value in HOSTILE_IDS:
            path = _path(row.name, kwargs, **{key: value})
            response = client.send(row.method, path, client.data())
            assert response.status_code == NOT_FOUND, f"{response.status_code} for {row.method.upper()} {path}"
            assert "页面不存在" in response.content.decode(), f"{path}: 404 without the Chinese page"


class _GetFormFields(HTMLParser):
    """Names of the fields of a page's GET forms (its filters and page links)."""

    def __init__(self):
        super().__init__()
        self.names, self._in_get_form = set(), False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_get_form = (attrs.get("method") or "get").lower() == "get"
        elif self._in_get_form and tag in ("input", "select", "textarea") and attrs.get("name"):
            self.names.add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_get_form = False


def _get_form_fields(html):
    parser = _GetFormFields()
    parser.feed(html)
    return parser.names


@pytest.mark.parametrize("row", _rows(lambda row: row.method == "get" and row.own[_let_in(row)] == OK))
def test_a_hostile_query_string_never_fails(world, row):
    kwargs = row.kwargs(world, "own") if row.kwargs else {}
    path = _path(row.name, kwargs)
    client = _Client(world, row)
    page = client.send("get", path, client.data())
    html = page.get("Content-Type", "").startswith("text/html") and not page.streaming
    names = sorted({"page", "ids", *(_get_form_fields(page.content.decode()) if html else ())})
    for name in ("page", "ids"):
        for value in HOSTILE_IDS + ["10" + "0" * 30, "-1", "last"]:
            client.send("get", path, {**client.data(), name: value})

    @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(query=st.dictionaries(st.sampled_from(names), st.one_of(hostile_id, hostile_hidden), min_size=1))
    def send(query):
        client.send("get", path + "?" + urlencode(query), {})

    send()


# Hidden inputs the pages carry, and any posted value that is an id or a number (a hidden id, a rank).
HIDDEN = ("version", "next", "report")


@pytest.mark.parametrize("row", _rows(lambda row: row.method == "post"))
def test_hostile_hidden_fields_never_fail(world, row):
    kwargs = row.kwargs(world, "own") if row.kwargs else {}
    path = _path(row.name, kwargs)
    client = _Client(world, row)
    data = client.data()
    numeric = [name for name, value in data.items() if isinstance(value, (int, str)) and str(value).isdigit()]
    names = sorted({*HIDDEN, *numeric})

    @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(name=st.sampled_from(names), value=st.one_of(hostile_id, hostile_hidden))
    def send(name, value):
        sent = client.data()  # an upload is read once: a fresh payload per request
        client.send("post", path, {**sent, name: value})

    for name in names:
        for value in ("abc", "²", "9" * 20):
            client.send("post", path, {**client.data(), name: value})
    send()

"""Every named URL × every role × own/foreign object gives the answer its row in matrix_*.py expects."""

import logging
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from .db import changed_tables, row_counts
from .matrix import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, REDIRECT, ROLES, all_rows

ROWS = all_rows()
CASES = [
    pytest.param(row, which, id=f"{row.id}-{which}")
    for row in ROWS
    for which in ("own", "foreign")
    if (row.own if which == "own" else row.foreign) is not None
]
# Django's own admin is covered by test_the_admin_turns_away_everyone_who_is_not_staff instead.
ADMIN_NAMESPACE = "admin"


def walk(resolver, namespace="", prefix="", groups=()):
    """(full name or None, pattern text, kwarg names) for every URL pattern, through every include."""
    for pattern in resolver.url_patterns:
        text = f"{prefix}{pattern.pattern}"
        names = (*groups, *pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern, inner, text, names)
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}{pattern.name}" if pattern.name else None), text, names


def assert_answer(response, expected, label):
    status = response.status_code
    if expected in (LOGIN, REDIRECT):
        assert status == 302, f"{label}: expected a redirect ({expected}), got {status}"
        to_login = urlsplit(response.url).path == reverse("login")
        assert to_login == (expected == LOGIN), f"{label}: expected {expected}, redirected to {response.url}"
    else:
        assert status == expected, f"{label}: expected {expected}, got {status}"
    if status == NOT_FOUND:
        assert "页面不存在" in response.content.decode(), f"{label}: 404 without the Chinese page"
    if status == FORBIDDEN:
        assert "无权访问" in response.content.decode(), f"{label}: 403 without the Chinese page"


def is_refusal(role, expected):
    # A redirect to the login page is a refusal for a visitor; for a signed-in user it is how
    # logging out succeeds.
    return expected in (FORBIDDEN, NOT_FOUND, NOT_ALLOWED) or (expected == LOGIN and role == "anonymous")


def check(world, caplog, row, which, role, expected, url):
    """One role's request; returns what went wrong, or None."""
    client = Client()
    user = world.user(role)
    label = f"{row.id} as {role} on the {which} object"
    with transaction.atomic():
        try:
            # Per role (an uploaded file is read once) and inside the savepoint, so whatever the data
            # builder creates is gone for the next role, as if each role had a world of its own.
            data = row.data(world, which) if row.data else {}
            if user is not None:
                client.force_login(user)
            before = row_counts()
            caplog.clear()
            with caplog.at_level(logging.WARNING, logger="branches.access"):
                try:
                    response = getattr(client, row.method)(url, data)
                except Exception as error:  # a 500: the test client re-raises the view's exception
                    return f"{label}: raised {error!r}"
            try:
                assert_answer(response, expected, label)
            except AssertionError as error:
                return str(error)
            changed = changed_tables(before, row_counts())
            if is_refusal(role, expected) and changed:
                return f"{label}: a refused request wrote to the database: {changed}"
            if user is not None and expected in (FORBIDDEN, NOT_FOUND):
                # Refusals go through branches.access.refuse, which logs them for the security review.
                if not [r for r in caplog.records if r.name == "branches.access" and "refused" in r.getMessage()]:
                    return f"{label}: refused without a log record from branches.access"
            return None
        finally:
            transaction.set_rollback(True)


@pytest.mark.parametrize("row, which", CASES)
def test_access_matrix(world, caplog, row, which):
    """Every role gets its expected answer from this row's URL for this object.

    The world and the row's objects are built once per row and object; each role's request runs in
    a savepoint rolled back afterwards, so every role meets the same state (a POST by one role
    leaves nothing behind for the next), at a fraction of the cost of rebuilding it per role.
    """
    answers = row.own if which == "own" else row.foreign
    url = reverse(row.name, kwargs=row.kwargs(world, which) if row.kwargs else {})
    failures = [failure for role, expected in answers.items()
                if (failure := check(world, caplog, row, which, role, expected, url))]
    assert not failures, "\n".join(failures)


def test_every_url_name_has_a_row():
    covered = {row.name for row in ROWS}
    missing, unnamed = [], []
    for name, text, _ in walk(get_resolver()):
        if name is None:
            if not text.startswith(f"{ADMIN_NAMESPACE}/"):
                unnamed.append(text)
        elif not name.startswith(f"{ADMIN_NAMESPACE}:") and name not in covered:
            missing.append(name)
    assert not missing, f"URL names without a row in tests/security/matrix_*.py: {sorted(set(missing))}"
    assert not unnamed, f"URL patterns without a name (the access matrix cannot cover them): {unnamed}"


def test_every_row_names_a_url_that_exists():
    known = {name for name, _, _ in walk(get_resolver()) if name}
    stale = sorted({row.name for row in ROWS} - known)
    assert not stale, f"rows for URL names that no longer exist: {stale}"


def test_the_matrix_has_every_role_and_both_kinds_of_object():
    roles_seen = {role for row in ROWS for _, role, _ in row.cases()}
    assert roles_seen == set(ROLES)
    assert any(row.foreign for row in ROWS)


# Values for the admin's URL kwargs; any other kwarg (object_id, id, content_type_id...) gets "1".
ADMIN_KWARGS = {"app_label": "branches", "url": "nothing"}


def admin_urls():
    urls = {}
    for name, _, kwargs in walk(get_resolver()):
        if name and name.startswith(f"{ADMIN_NAMESPACE}:"):
            urls[name] = reverse(name, kwargs={key: ADMIN_KWARGS.get(key, "1") for key in kwargs})
    return urls


def test_the_admin_turns_away_everyone_who_is_not_staff(world):
    urls = admin_urls()
    assert len(urls) > 20  # the admin of every registered model is in there
    login = reverse("admin:login")
    for role in ROLES:
        client = Client()
        if world.user(role) is not None:
            client.force_login(world.user(role))
        for name, url in urls.items():
            response = client.get(url)
            label = f"{name} ({url}) as {role}"
            if name == "admin:login":
                assert response.status_code == 200, label
            elif name == "admin:logout":
                # GET does not log out (POST only); Django answers 405 or sends the visitor on.
                assert response.status_code in (302, 405), label
            else:
                assert response.status_code == 302, f"{label}: {response.status_code}"
                assert urlsplit(response.url).path == login, f"{label}: redirected to {response.url}"
    # ...and a superuser does get in, so the redirects above are the admin refusing, not a broken admin.
    admin = get_user_model().objects.create_superuser("root", "root@example.edu.cn", "Dangzhibu-2024-xin")
    client = Client()
    client.force_login(admin)
    assert client.get(reverse("admin:index")).status_code == 200


def test_admin_kwargs_cover_every_admin_url():
    try:
        admin_urls()
    except NoReverseMatch as error:  # pragma: no cover - only when Django adds a new admin URL kwarg
        pytest.fail(f"extend ADMIN_KWARGS: {error}")

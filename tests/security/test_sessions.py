"""Sign-in, sessions, passwords, CSRF, the content security policy and the deploy checklist."""

import datetime
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management.utils import get_random_secret_key
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

from branches.middleware import TOUCHED
from branches.models import Event

from .db import changed_tables, row_counts
from .matrix import OK, REDIRECT, all_rows

pytestmark = pytest.mark.django_db

PASSWORD = "demo12345"


def sign_in(client, username, password=PASSWORD, address="127.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client):
    response = client.get(reverse("branches:organization_list"))
    return response.status_code == 200


# Sign-in and lock-out

def test_five_wrong_passwords_lock_the_user_name_and_are_logged(client, tree):
    for attempt in range(5):
        response = sign_in(client, "secretary", "wrong-password")
        assert response.status_code in (200, 429)
    response = sign_in(client, "secretary")  # the right password, too late
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    assert not signed_in(client)
    attempt = AccessAttempt.objects.get(username="secretary")
    assert attempt.failures_since_start >= 5
    failures = Event.objects.filter(action="user.login_failed", data__用户名="secretary")
    assert failures.count() >= 5 and not Event.objects.filter(action="user.login", actor=tree.secretary).exists()


def test_four_wrong_passwords_do_not_lock(client, tree):
    for attempt in range(4):
        sign_in(client, "secretary", "wrong-password")
    assert sign_in(client, "secretary").status_code == 302 and signed_in(client)


def test_a_colleague_behind_the_same_address_still_signs_in(client, tree):
    for attempt in range(5):
        sign_in(client, "secretary", "wrong-password")
    # A colleague behind the same campus NAT address still signs in.
    assert sign_in(Client(), "unit").status_code == 302


def test_failures_from_another_address_do_not_lock_the_owner_out(client, tree):
    # User names are guessable: five wrong passwords from anywhere must not shut the owner out.
    for attempt in range(5):
        sign_in(Client(), "secretary", "wrong-password", address="10.66.0.1")
    assert sign_in(Client(), "secretary", address="10.66.0.1").status_code == 429
    assert sign_in(client, "secretary", address="10.8.0.1").status_code == 302 and signed_in(client)


def test_one_address_alone_cannot_reach_the_user_name_limit(client, tree, settings):
    # Once its pair is locked, an address's further failures are not counted (nor do they extend the lock).
    for attempt in range(settings.AXES_USERNAME_FAILURE_LIMIT + 5):
        sign_in(Client(), "secretary", "wrong-password", address="10.66.0.1")
    assert sign_in(client, "secretary", address="10.8.0.1").status_code == 302


def test_many_addresses_together_lock_the_user_name_everywhere(client, tree, settings):
    settings.AXES_USERNAME_FAILURE_LIMIT = 12
    for number in range(3):
        for attempt in range(4):
            sign_in(Client(), "secretary", "wrong-password", address=f"10.66.{number}.1")
    assert sign_in(Client(), "secretary", address="10.8.0.1").status_code == 429
    assert sign_in(Client(), "unit", address="10.8.0.1").status_code == 302  # the name, not the address
    AccessAttempt.objects.filter(username="secretary").update(
        attempt_time=timezone.now() - datetime.timedelta(minutes=61))
    assert sign_in(client, "secretary", address="10.8.0.1").status_code == 302


def test_the_lock_lifts_after_an_hour(client, tree):
    for attempt in range(5):
        sign_in(client, "secretary", "wrong-password")
    AccessAttempt.objects.filter(username="secretary").update(
        attempt_time=timezone.now() - datetime.timedelta(minutes=59))
    assert sign_in(client, "secretary").status_code == 429
    AccessAttempt.objects.filter(username="secretary").update(
        attempt_time=timezone.now() - datetime.timedelta(minutes=61))
    assert sign_in(client, "secretary").status_code == 302 and signed_in(client)


def test_an_overlong_user_name_is_refused_like_any_wrong_one(client, tree):
    # AuthenticationForm does not limit the length; axes' column does (varchar(255) on PostgreSQL).
    name = "党" * 300
    for attempt in range(5):
        response = sign_in(client, name, "wrong-password")
        assert response.status_code in (200, 429)
    assert "用户名或密码不正确" in sign_in(Client(), name[:10], "wrong-password").content.decode()
    attempt = AccessAttempt.objects.get(username="党" * 150)
    assert attempt.failures_since_start == 5


# Sessions

def test_signing_in_issues_a_new_session_key_and_drops_the_old_one(client, tree):
    session = client.session
    session["seen_login_page"] = True
    session.save()
    before = session.session_key
    assert sign_in(client, "secretary").status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert Session.objects.filter(session_key=after).exists()


def test_signing_out_deletes_the_session_and_its_cookie_is_useless_afterwards(client, tree):
    sign_in(client, "secretary")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert not Session.objects.filter(session_key=key).exists()
    assert Event.objects.filter(action="user.logout", actor=tree.secretary).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert replay.get(reverse("branches:organization_list")).status_code == 302


def _age_the_session(key, seconds):
    """The session as if it was last saved `seconds` ago, one minute from expiring."""
    store = SessionStore(session_key=key)
    store[TOUCHED] = int(time.time()) - seconds
    store.save()
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + datetime.timedelta(minutes=1))


def test_a_request_after_the_refresh_interval_pushes_the_idle_timeout_back(client, tree):
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60 and settings.SESSION_REFRESH_SECONDS <= 10 * 60
    sign_in(client, "secretary")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    _age_the_session(key, settings.SESSION_REFRESH_SECONDS + 1)
    assert signed_in(client)
    expires = Session.objects.get(session_key=key).expire_date
    expected = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs((expires - expected).total_seconds()) < 60


def test_a_request_within_the_refresh_interval_does_not_write_the_session(client, tree):
    sign_in(client, "secretary")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    _age_the_session(key, 10)
    before = Session.objects.get(session_key=key).expire_date
    with CaptureQueriesContext(connection) as queries:
        assert signed_in(client)
    assert Session.objects.get(session_key=key).expire_date == before
    assert not [query for query in queries if "django_session" in query["sql"] and "UPDATE" in query["sql"]]


def test_a_visitor_gets_no_session(client, tree):
    assert client.get("/public/notices/").status_code == 200
    assert settings.SESSION_COOKIE_NAME not in client.cookies


def test_an_idle_session_is_sent_to_the_login_page(client, tree):
    sign_in(client, "secretary")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("branches:organization_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_session_cookies_are_not_readable_by_scripts():
    assert settings.SESSION_COOKIE_HTTPONLY


# Passwords

@pytest.mark.parametrize("password, says", [
    ("ab1", "密码太短，至少需要 8 个字符"),
    ("password", "这个密码太常见了"),
    ("12345678", "这个密码太常见了"),
    ("83920174", "密码只包含数字"),
])
def test_the_password_change_form_refuses_weak_passwords_in_chinese(client_for, tree, password, says):
    client = client_for(tree.secretary)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": password, "new_password2": password})
    assert response.status_code == 200
    assert says in response.content.decode()
    tree.secretary.refresh_from_db()
    assert tree.secretary.check_password(PASSWORD)


def test_a_good_password_is_accepted(client_for, tree):
    client = client_for(tree.secretary)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "Zhibu-Jianshe-2024", "new_password2": "Zhibu-Jianshe-2024"})
    assert response.status_code == 302
    tree.secretary.refresh_from_db()
    assert tree.secretary.check_password("Zhibu-Jianshe-2024")


def change_password(client, old_password, new_password="Zhibu-Jianshe-2024"):
    return client.post(reverse("password_change"), {
        "old_password": old_password, "new_password1": new_password, "new_password2": new_password})


def test_wrong_old_passwords_count_like_failed_logins_and_lock_the_user_out(client_for, tree):
    client = client_for(tree.secretary)
    for attempt in range(4):
        response = change_password(client, "wrong-password")
        assert response.status_code == 200 and "你的旧密码不正确" in response.content.decode()
    assert AccessAttempt.objects.get(username="secretary").failures_since_start == 4
    response = change_password(client, "wrong-password")  # the fifth: the limit
    assert response.status_code == 429 and "账号已暂时锁定" in response.content.decode()
    assert not signed_in(client)
    tree.secretary.refresh_from_db()
    assert tree.secretary.check_password(PASSWORD)
    assert Event.objects.filter(action="user.login_failed", data__用户名="secretary").count() == 5
    # Locked like a login: the right password does not sign in for the hour.
    assert sign_in(Client(), "secretary").status_code == 429


def test_failed_logins_and_wrong_old_passwords_add_up(client_for, tree):
    client = client_for(tree.secretary)  # signed in before (a sign-in clears the failures)
    for attempt in range(3):
        sign_in(Client(), "secretary", "wrong-password")
    change_password(client, "wrong-password")
    response = change_password(client, "wrong-password")
    assert response.status_code == 429 and not signed_in(client)


def test_a_locked_user_cannot_change_the_password_even_with_the_right_old_one(client_for, tree):
    client = client_for(tree.secretary)  # a session still open from before the lock
    for attempt in range(5):
        sign_in(Client(), "secretary", "wrong-password")
    response = change_password(client, PASSWORD)
    assert response.status_code == 429 and not signed_in(client)
    tree.secretary.refresh_from_db()
    assert tree.secretary.check_password(PASSWORD)


def test_the_right_old_password_clears_earlier_failures(client_for, tree):
    client = client_for(tree.secretary)
    for attempt in range(4):
        change_password(client, "wrong-password")
    assert change_password(client, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="secretary").exists()
    assert sign_in(Client(), "secretary", "wrong-password").status_code == 200  # one failure: no lock


def test_the_password_rules_are_explained_in_chinese(client_for, tree):
    page = client_for(tree.secretary).get(reverse("password_change")).content.decode()
    assert "你的密码必须包含至少 8 个字符" in page and "Your password" not in page


# CSRF: every POST row of the access matrix, replayed without and then with a token

POST_ROWS = [row for row in all_rows() if row.method == "post"]


def allowed_role(row):
    # Someone whose request would succeed; signing out has no such answer, so any signed-in user.
    return next((role for role, expected in row.own.items() if expected in (OK, REDIRECT)), "org_staff")


@pytest.mark.parametrize("row", POST_ROWS, ids=[row.id for row in POST_ROWS])
def test_every_post_needs_a_csrf_token(world, row):
    role = allowed_role(row)
    client = Client(enforce_csrf_checks=True)
    if world.user(role) is not None:
        client.force_login(world.user(role))
    # The builders may create objects, so everything is built before the rows are counted.
    url = reverse(row.name, kwargs=row.kwargs(world, "own") if row.kwargs else {})
    data = row.data(world, "own") if row.data else {}
    before = row_counts()
    response = client.post(url, data)
    assert response.status_code == 403, f"{row.id} as {role} accepted a POST without a CSRF token"
    assert not changed_tables(before, row_counts())
    # The same request with a token goes through, so the 403 above was the CSRF check.
    token = get_random_string(32)
    client.cookies[settings.CSRF_COOKIE_NAME] = token
    response = client.post(url, row.data(world, "own") if row.data else {}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code != 403


def test_the_csrf_failure_page_is_chinese(client, tree):
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403 and "禁止访问" in response.content.decode()


# Content security policy and templates

@pytest.mark.parametrize("who", [None, "staff", "secretary"])
def test_every_page_carries_a_strict_content_security_policy(client_for, client, tree, who):
    if who:
        client = client_for(getattr(tree, who))
    for url in [reverse("login") if who is None else reverse("branches:organization_list"), "/no-such-page/"]:
        policy = client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


INLINE_PATTERNS = {
    "inline <script> (no src)": re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE),
    "<script> with a body": re.compile(r"<script\b[^>]*>\s*[^\s<][\s\S]*?</script>", re.IGNORECASE),
    "<style> element": re.compile(r"<style\b", re.IGNORECASE),
    "style= attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "on*= event handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript\s*:", re.IGNORECASE),
}


def inline_code(text):
    """(line, what) for every piece of inline script or style in a template's text."""
    found = []
    for what, pattern in INLINE_PATTERNS.items():
        for match in pattern.finditer(text):
            found.append((text.count("\n", 0, match.start()) + 1, what))
    return found


def project_templates():
    base = Path(settings.BASE_DIR)
    roots = [Path(directory) for config in settings.TEMPLATES for directory in config["DIRS"]]
    roots += [path for path in base.glob("*/templates") if path.is_dir()]
    return sorted({path for root in roots for path in root.rglob("*.html")})


def test_no_template_has_inline_script_style_or_handlers():
    templates = project_templates()
    assert len(templates) >= 10
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}:{line}: {what}"
        for path in templates
        for line, what in inline_code(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, "inline code breaks the strict CSP:\n" + "\n".join(offenders)


@pytest.mark.parametrize("snippet", [
    "<script>alert(1)</script>",
    "<SCRIPT type='text/javascript'>var a = 1;</SCRIPT>",
    '<script src="/static/a.js">alert(1)</script>',
    "<style>.a{}</style>",
    '<div style="width: 3%">',
    "<button onclick='go()'>",
    '<body onload="x()">',
    '<a href="javascript:void(0)">',
])
def test_the_template_scan_catches_inline_code(snippet):
    assert inline_code(f"<div>\n{snippet}\n</div>")


@pytest.mark.parametrize("snippet", [
    '<script src="{% static \'js/app.js\' %}"></script>',
    '<form method="post" data-once>',
    '<div data-width="30" data-confirm="确定吗？">',
    "<p>请选择 online 或 offline</p>",
])
def test_the_template_scan_leaves_clean_markup_alone(snippet):
    assert not inline_code(snippet)


# Production settings

def secret_key():
    # django-environ reads a value starting with "$" as a reference to another variable, so a
    # random key must not start with one (docs/security.md tells administrators the same).
    return get_random_secret_key().lstrip("$") + get_random_string(10)


def deploy_check(**overrides):
    environment = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "DJANGO_", "CSRF_", "SESSION_")) and key not in ("DEBUG", "SECRET_KEY")
    }
    environment.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "false",
                        "SECRET_KEY": secret_key(), **overrides})
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True, timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_when_https_is_switched_off():
    result = deploy_check(SECURE_SSL_REDIRECT="false", SECURE_COOKIES="false")
    assert result.returncode != 0
    assert "security.W008" in result.stderr and "security.W012" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = deploy_check(SECRET_KEY="")
    assert result.returncode != 0

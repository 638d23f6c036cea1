"""The database goes away mid-run: pages answer the Chinese 503 page, and recover when it is back."""

import socket
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from branches.models import Organization

pytestmark = pytest.mark.django_db(transaction=True)


def unused_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def database_unreachable(tmp_path):
    """Point the live connection at a database that is not there, without restarting anything."""
    saved = dict(connection.settings_dict)
    saved_connection = None
    if connection.vendor == "sqlite":
        # Closing the test's in-memory database would destroy it, so it is set aside and the
        # connection is sent to a file in a directory that does not exist.
        connection.ensure_connection()
        saved_connection, connection.connection = connection.connection, None
        connection.settings_dict["NAME"] = str(Path(tmp_path) / "missing" / "db.sqlite3")
    else:
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(unused_port()))
    try:
        yield
    finally:
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
        if saved_connection is not None:
            connection.connection = saved_connection
        else:
            connection.close()


def assert_unavailable(response):
    assert response.status_code == 503
    page = response.content.decode()
    assert "系统暂时不可用" in page and "没有保存" in page
    assert response["Retry-After"] == "30"
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_pages_answer_503_in_chinese_while_the_database_is_down_and_recover(client_for, tree, tmp_path):
    client = client_for(tree.secretary)
    detail = reverse("branches:organization_detail", args=[tree.branch_a1.pk])
    declare = reverse("branches:organization_declare", args=[tree.branch_a1.pk])
    assert client.get(detail).status_code == 200

    with database_unreachable(tmp_path):
        for url in [detail, reverse("branches:organization_list"), reverse("home")]:
            assert_unavailable(client.get(url))
        assert_unavailable(client.post(declare, {"no_violation": "on"}))
        health = client.get(reverse("healthz"))
        assert health.status_code == 503 and health.json()["database"] == "不可用"

    # The same process, no restart: the next requests reconnect.
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(detail).status_code == 200
    assert client.post(declare, {"no_violation": "on"}).status_code == 302
    assert Organization.objects.get(pk=tree.branch_a1.pk).declares_no_violation


def test_the_login_page_still_opens_and_a_sign_in_attempt_answers_503(client, tree, tmp_path):
    with database_unreachable(tmp_path):
        assert client.get(reverse("login")).status_code == 200  # no database needed to show the form
        assert_unavailable(client.post(reverse("login"), {"username": "secretary", "password": "demo12345"}))
    assert client.post(reverse("login"), {"username": "secretary", "password": "demo12345"}).status_code == 302

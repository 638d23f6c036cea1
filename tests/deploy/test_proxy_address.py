"""The shipped nginx site in front of a live server: the app sees the real client, not nginx, not a forged header."""

import http.client
import http.cookies
import re
import urllib.parse

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from branches.models import Event
from cultivation import challenge, notices
from cultivation.enums import ProjectState
from cultivation.models import Objection, Project
from tests.cultivation.helpers import batch_in
from tests.deploy.nginx import running_nginx
from tests.factories import ProjectFactory

FORGED = "6.6.6.6"
# The person's machine: a loopback address of its own, so that the app telling it from nginx (127.0.0.1)
# is part of what is tested.
CLIENT = "127.0.0.2"


@pytest.fixture
def nginx(live_server, tmp_path, settings):
    """nginx with deploy/nginx/dangzhibu.conf (as `make cluster-check` renders it) proxying to the live server."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]  # as docs/deploy.md tells production to set it
    with running_nginx(tmp_path, urllib.parse.urlsplit(live_server.url).port) as port:
        yield port


class Browser:
    """Plain HTTP through nginx with cookies and a forged X-Forwarded-For on every request."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, fields=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30, source_address=(CLIENT, 0))
        headers = {"X-Forwarded-For": FORGED, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers.update({"Content-Type": "application/x-www-form-urlencoded",
                            "Referer": f"http://127.0.0.1:{self.port}{path}"})
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        page = response.read().decode(errors="replace")
        connection.close()
        return response.status, page

    def post_form(self, path, fields):
        status, page = self.request("GET", path)
        assert status == 200, page[:500]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.request("POST", path, {**fields, "csrfmiddlewaretoken": token})


@pytest.mark.django_db(transaction=True)
def test_a_forged_forwarded_address_through_the_shipped_nginx_is_not_believed(nginx, tree):
    browser = Browser(nginx)
    status, _ = browser.post_form(reverse("login"), {"username": "secretary", "password": "wrong-password"})
    assert status == 200
    # The sign-in lock and the audit log name the real client: not nginx, not what the client wrote.
    assert AccessAttempt.objects.get(username="secretary").ip_address == CLIENT
    assert Event.objects.get(action="user.login_failed").source == CLIENT

    project = ProjectFactory(organization=tree.branch_a1, batch=batch_in("recognition"))
    Project.objects.filter(pk=project.pk).update(state=ProjectState.SHORTLISTED)
    notice = notices.notice_publish(batch=project.batch, kind="recognition", title="拟认定公示", body="现予公示",
                                    starts_on=timezone.localdate(), items=[(project, "")], actor=tree.staff)
    question = challenge.issue(3, 4)
    status, page = browser.request("GET", reverse("public:notice_detail", args=[notice.pk]))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, page = browser.request("POST", reverse("public:objection_lodge", args=[notice.pk]), {
        "csrfmiddlewaretoken": token, "name": "教师1", "contact": "13900000001", "content": "请核实",
        "challenge": question.token, "answer": "7"})
    assert status == 302, page[:2000]
    assert Objection.objects.get().source == CLIENT

"""Campus single sign-on against a real CAS server on loopback (issue 15).

The server is django-mama-cas (it runs on our Django), as its own Django site in its own process and
SQLite database (tests/cas_server/): the campus users sign in there with their campus password, and
django-cas-ng validates the tickets over HTTP, exactly as with the campus's server.
"""

import http.cookiejar
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from branches.models import CampusIdentity

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
CAMPUS_USERS = ["20230017", "99999999", "li.wei"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class CasServer:
    def __init__(self, database):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.cas_server.serve", *CAMPUS_USERS], cwd=ROOT, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env={"CAS_SERVER_DB": str(database), "PATH": ""})
        self.url = f"http://127.0.0.1:{int(self.process.stdout.readline())}/cas/"

    def stop(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)

    def sign_in(self, login_url, campus_id):
        """What the user's browser does at the CAS login page: type the campus password, come back with a ticket."""
        browser = urllib.request.build_opener(NoRedirect, urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        form = browser.open(login_url).read().decode()
        data = urlencode({"username": campus_id, "password": "campus-pass",
                          "csrfmiddlewaretoken": CSRF.search(form).group(1)}).encode()
        try:
            browser.open(login_url, data)
        except urllib.error.HTTPError as redirect:
            if redirect.code == 302:
                return redirect.headers["Location"]
            raise
        raise AssertionError("the CAS server did not send the user back")


@pytest.fixture(scope="module")
def cas_server(tmp_path_factory):
    server = CasServer(tmp_path_factory.mktemp("cas") / "cas.sqlite3")
    yield server
    server.stop()


@pytest.fixture
def cas(settings, cas_server):
    settings.CAS_SERVER_URL = cas_server.url
    settings.CAS_VERSION = "3"
    settings.CAS_ID_ATTRIBUTE = ""
    return cas_server


def back_from_cas(client, cas, campus_id, next_page="/"):
    response = client.get(reverse("login") + f"?next={next_page}")
    assert response.status_code == 302 and response["Location"].startswith(cas.url + "login?")
    return client.get(cas.sign_in(response["Location"], campus_id).replace("http://testserver", ""))


def test_a_known_campus_id_opens_its_account(client, tree, cas):
    CampusIdentity.objects.create(user=tree.secretary, campus_id="20230017")
    response = back_from_cas(client, cas, "20230017")
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get(reverse("home"))
    assert home.wsgi_request.user == tree.secretary


def test_an_unknown_person_is_refused_and_no_account_is_made(client, tree, cas):
    users = get_user_model().objects.count()
    response = back_from_cas(client, cas, "99999999")
    assert response.status_code == 403
    assert "未找到与统一身份认证账号 99999999 对应的系统账号，请联系党委组织部开通" in response.content.decode()
    assert get_user_model().objects.count() == users
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_an_account_switched_off_is_refused(client, tree, cas):
    CampusIdentity.objects.create(user=tree.secretary, campus_id="20230017")
    tree.secretary.is_active = False
    tree.secretary.save()
    response = back_from_cas(client, cas, "20230017")
    assert response.status_code == 403 and "已停用" in response.content.decode()


def test_a_ticket_the_server_does_not_confirm_is_refused(client, tree, cas):
    CampusIdentity.objects.create(user=tree.secretary, campus_id="20230017")
    response = client.get(reverse("login") + "?ticket=ST-forged&next=/")
    assert response.status_code == 403
    assert "统一身份认证未能确认这次登录" in response.content.decode()
    # A ticket is good once: replaying the one that worked is refused.
    first = client.get(reverse("login") + "?next=/")
    returned = cas.sign_in(first["Location"], "20230017").replace("http://testserver", "")
    assert client.get(returned).status_code == 302
    client.logout()
    assert client.get(returned).status_code == 403


def test_the_identity_can_come_from_an_attribute(client, tree, cas, settings):
    settings.CAS_ID_ATTRIBUTE = "employeeNumber"
    CampusIdentity.objects.create(user=tree.staff, campus_id="Eli.wei")
    response = back_from_cas(client, cas, "li.wei")
    assert response.status_code == 302
    assert client.get(reverse("home")).wsgi_request.user == tree.staff


def test_logout_ends_the_cas_session_too(client, tree, cas):
    CampusIdentity.objects.create(user=tree.secretary, campus_id="20230017")
    back_from_cas(client, cas, "20230017")
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"].startswith(cas.url + "logout")
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated
    assert client.get(reverse("logout")).status_code == 405  # a link cannot log anyone out


def test_password_login_is_for_administrators_while_cas_is_on(client, tree, cas, django_user_model):
    django_user_model.objects.create_superuser("root", password="Root-pass-2026")
    tree.staff.set_password("Staff-pass-2026")
    tree.staff.save()
    refused = client.post(reverse("login_local"), {"username": "staff", "password": "Staff-pass-2026"})
    assert refused.status_code == 200
    assert "本地密码登录仅供系统管理员使用" in refused.content.decode()
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated
    # The CAS login page takes no password at all.
    assert client.post(reverse("login"), {"username": "staff", "password": "Staff-pass-2026"}).status_code != 200
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated
    allowed = client.post(reverse("login_local"), {"username": "root", "password": "Root-pass-2026"})
    assert allowed.status_code == 302
    assert client.get(reverse("home")).wsgi_request.user.username == "root"


def test_without_cas_the_login_page_is_the_password_form(client, tree, settings):
    settings.CAS_SERVER_URL = ""
    assert 'name="password"' in client.get(reverse("login")).content.decode()
    assert client.get(reverse("login_local"))["Location"] == reverse("login")

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
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_cas_ng.models import SessionTicket

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

    def sign_in(self, login_url, campus_id, browser=None):
        """What the user's browser does at the CAS login page: type the campus password, come back with a ticket."""
        browser = browser or urllib.request.build_opener(
            NoRedirect, urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
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


def back_from_cas(client, cas, campus_id, next_page="/", **headers):
    response = client.get(reverse("login") + f"?next={quote(next_page, safe='')}", headers=headers)
    assert response.status_code == 302 and response["Location"].startswith(cas.url + "login?")
    return client.get(cas.sign_in(response["Location"], campus_id).replace("http://testserver", ""))


# Every way a "next" could leave the site: another host, a scheme-relative //host, a scheme without
# slashes that browsers still read as a host, a backslash browsers turn into a slash, another scheme.
OFF_SITE = ["https://evil.example/", "//evil.example/", "https:evil.example", "/\\evil.example",
            "javascript:alert(1)", "http://testserver.evil.example/"]


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


@pytest.mark.parametrize("next_page", OFF_SITE)
def test_cas_login_never_sends_anyone_off_site(client, tree, cas, next_page):
    CampusIdentity.objects.create(user=tree.secretary, campus_id="20230017")
    # The way in: the next page comes back from the CAS server inside the service URL.
    assert back_from_cas(client, cas, "20230017", next_page)["Location"] == "/"
    # Signed in already: /login/ answers at once, without asking the CAS server.
    again = client.get(reverse("login"), {"next": next_page})
    assert again.status_code == 302 and again["Location"] == "/"


def test_cas_login_ignores_the_referer_and_keeps_a_next_page_on_the_site(client, tree, cas):
    CampusIdentity.objects.create(user=tree.secretary, campus_id="20230017")
    response = back_from_cas(client, cas, "20230017", "", referer="https://evil.example/phish")
    assert response["Location"] == "/"
    client.logout()
    inbox = reverse("notifications:inbox_list")
    assert back_from_cas(client, cas, "20230017", f"{inbox}?page=2")["Location"] == f"{inbox}?page=2"


@pytest.mark.parametrize("next_page", [*OFF_SITE, ""])
def test_cas_logout_returns_to_this_site_only(client, tree, cas, next_page):
    CampusIdentity.objects.create(user=tree.secretary, campus_id="20230017")
    back_from_cas(client, cas, "20230017")
    response = client.post(reverse("logout") + f"?next={quote(next_page, safe='')}",
                           {"next": next_page}, headers={"referer": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"].startswith(cas.url + "logout")
    assert parse_qs(urlsplit(response["Location"]).query)["service"] == ["http://testserver/"]


@pytest.mark.parametrize("next_page", OFF_SITE)
def test_password_login_and_logout_never_send_anyone_off_site(client, tree, settings, next_page):
    settings.CAS_SERVER_URL = ""
    tree.staff.set_password("Staff-pass-2026")
    tree.staff.save()
    signed_in = client.post(reverse("login"), {"username": "staff", "password": "Staff-pass-2026", "next": next_page})
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("home")
    again = client.get(reverse("login"), {"next": next_page})
    assert again.status_code == 302 and again["Location"] == reverse("home")
    signed_out = client.post(reverse("logout"), {"next": next_page}, headers={"referer": "https://evil.example/"})
    assert signed_out.status_code == 302 and signed_out["Location"] == reverse("login")


def test_without_cas_the_password_form_still_needs_its_csrf_token(tree, settings):
    settings.CAS_SERVER_URL = ""
    tree.staff.set_password("Staff-pass-2026")
    tree.staff.save()
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("login"), {"username": "staff", "password": "Staff-pass-2026"}).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_a_campus_logout_ends_the_session_here_too(live_server, cas, django_user_model):
    """Single sign-out, end to end: the user signs out at the CAS server, which POSTs a SAML logoutRequest
    to the service URL (this site's /login/, served live); the session that ticket opened must end."""
    user = django_user_model.objects.create_user("campus-user")
    CampusIdentity.objects.create(user=user, campus_id="20230017")
    cookies = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(NoRedirect, urllib.request.HTTPCookieProcessor(cookies))

    def visit(url):
        try:
            return browser.open(url)
        except urllib.error.HTTPError as answer:
            if answer.code in (301, 302):
                return answer
            raise

    to_cas = visit(live_server.url + reverse("login") + "?next=/")
    assert to_cas.headers["Location"].startswith(cas.url + "login?")
    returned = cas.sign_in(to_cas.headers["Location"], "20230017", browser)
    assert visit(returned).headers["Location"] == "/"
    assert visit(live_server.url + reverse("home")).status == 200
    assert SessionTicket.objects.count() == 1 and Session.objects.count() == 1

    visit(cas.url + "logout")  # mama-cas sends the logoutRequest before it answers

    assert SessionTicket.objects.count() == 0 and Session.objects.count() == 0
    home = visit(live_server.url + reverse("home"))
    assert home.status == 302 and home.headers["Location"].startswith(reverse("login"))


def test_a_logout_request_that_is_not_saml_ends_nothing(client, tree, cas):
    CampusIdentity.objects.create(user=tree.secretary, campus_id="20230017")
    back_from_cas(client, cas, "20230017")
    response = Client().post(reverse("login"), {"logoutRequest": "<not-saml"})
    assert response.status_code == 200
    assert client.get(reverse("home")).wsgi_request.user == tree.secretary


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

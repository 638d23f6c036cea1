"""Nothing a signed-in user saw stays in the browser's cache: `Cache-Control: no-store` on their pages
and on every download (branches.middleware.NoStoreMiddleware); public pages and static files stay
cacheable for visitors."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils.http import content_disposition_header

from branches.middleware import NoStoreMiddleware

from . import matrix_cultivation as m
from .matrix import OK, ROLES, all_rows

pytestmark = pytest.mark.django_db


def not_stored(response):
    return "no-store" in response.get("Cache-Control", "") and response.get("Pragma") == "no-cache"


def _signed_in_get_rows():
    for row in all_rows():
        if row.method == "get":
            role = next((role for role, answer in row.own.items() if answer == OK and ROLES[role]), None)
            if role:
                yield pytest.param(row, role, id=row.id)


@pytest.mark.parametrize("row, role", list(_signed_in_get_rows()))
def test_every_page_a_signed_in_user_opens_is_not_stored(world, row, role):
    client = Client()
    client.force_login(world.user(role))
    response = client.get(reverse(row.name, kwargs=row.kwargs(world, "own") if row.kwargs else {}),
                          row.data(world, "own") if row.data else {})
    assert response.status_code == 200
    assert not_stored(response), f"{row.id} as {role}: Cache-Control {response.get('Cache-Control')!r}"


def test_downloads_are_not_stored(world):
    client = Client()
    client.force_login(world.tree.secretary)
    for url in [reverse("cultivation:attachment_download", args=[m._attachment(world, "own").pk]),
                reverse("cultivation:report_attachment_download", kwargs=m._r_attachment(world, "own"))]:
        response = client.get(url)
        # A PDF opens inline in the browser's viewer; other files download. Neither is kept.
        assert response.status_code == 200 and response["Content-Disposition"].startswith(("attachment", "inline"))
        assert not_stored(response), url


def test_a_download_is_not_stored_even_for_a_visitor():
    def download(request):
        response = HttpResponse(b"%PDF-1.4", content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(True, "公示.pdf")
        return response

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert not_stored(NoStoreMiddleware(download)(request))


def test_the_public_notices_stay_cacheable_for_visitors(world):
    notice = m._notice(world, "own")
    for url in [reverse("public:notice_list"), reverse("public:notice_detail", args=[notice.pk])]:
        response = Client().get(url)
        assert response.status_code == 200
        assert "no-store" not in response.get("Cache-Control", "") and "Pragma" not in response, url


def test_the_public_notices_are_not_stored_once_signed_in(world):
    client = Client()
    client.force_login(world.tree.secretary)
    assert not_stored(client.get(reverse("public:notice_list")))


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_static_files_stay_cacheable_for_a_signed_in_user(world):
    client = Client()  # a new client loads the middleware with the settings above
    client.force_login(world.tree.secretary)
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")

"""Files checked by Django and sent by the web server; the version in the footer and /healthz."""

import pytest
from django.urls import reverse

from branches import uploads, version

pytestmark = pytest.mark.django_db

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


@pytest.fixture
def stored(media_root):
    folder = media_root / "evidence" / "2026"
    folder.mkdir(parents=True)
    (folder / "照片 1.png").write_bytes(PNG)
    return "evidence/2026/照片 1.png"


def test_django_streams_the_file_by_default(stored):
    response = uploads.attachment_response(stored, download_name="活动照片.png", content_type="image/png")
    assert b"".join(response.streaming_content) == PNG
    assert "X-Accel-Redirect" not in response


def test_nginx_sends_the_file_when_the_web_server_serves_files(stored, settings):
    settings.FILES_SERVED_BY_WEB_SERVER = True
    response = uploads.attachment_response(stored, download_name="活动照片.png", content_type="image/png")
    assert response["X-Accel-Redirect"] == "/protected/evidence/2026/%E7%85%A7%E7%89%87%201.png"
    assert response.content == b""
    # The checks and headers are Django's; nginx keeps them.
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]


def test_an_inline_image_is_still_judged_by_its_bytes_before_nginx_sends_it(stored, settings, media_root):
    settings.FILES_SERVED_BY_WEB_SERVER = True
    response = uploads.inline_image_response(stored, content_type="image/png", name="照片.png")
    assert response["X-Accel-Redirect"].startswith("/protected/evidence/2026/")
    (media_root / stored).write_bytes(b"not an image at all")
    with pytest.raises(uploads.Http404):
        uploads.inline_image_response(stored, content_type="image/png", name="照片.png")


def test_a_missing_file_is_404_in_both_modes(settings):
    for served in (False, True):
        settings.FILES_SERVED_BY_WEB_SERVER = served
        with pytest.raises(uploads.Http404):
            uploads.attachment_response("evidence/none.png", download_name="x.png")


def test_the_version_comes_from_the_environment_first(monkeypatch):
    version.current.cache_clear()
    monkeypatch.setenv("APP_VERSION", "2026.12.1")
    try:
        assert version.current() == "2026.12.1"
    finally:
        version.current.cache_clear()


def test_without_git_the_version_is_dev(monkeypatch):
    version.current.cache_clear()
    monkeypatch.delenv("APP_VERSION", raising=False)

    def no_git(*args, **kwargs):
        raise FileNotFoundError("git")

    monkeypatch.setattr(version.subprocess, "run", no_git)
    try:
        assert version.current() == "dev"
    finally:
        version.current.cache_clear()


def test_healthz_and_the_footer_name_the_running_version(client, tree, client_for):
    running = version.current()
    assert running
    assert client.get(reverse("healthz")).json()["version"] == running
    page = client.get(reverse("login")).content.decode()
    assert f"版本 {running}" in page
    page = client_for(tree.staff).get(reverse("home")).content.decode()
    assert f"版本 {running}" in page


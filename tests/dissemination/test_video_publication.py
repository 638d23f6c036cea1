"""The micro-video is public only after review (issue 24, item 5), and its page shows it (item 13): a player
for whoever reviews it, a link to its public page once public, and the size limit where it is uploaded."""
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from branches.models import Event
from cultivation.reports.enums import PublicationState
from dissemination.video import MicroVideo
from tests.dissemination.test_video import SAMPLE
from tests.factories import cultivating_project


def _upload(client, project):
    response = client.post(reverse("dissemination:video_manage", args=[project.pk]),
                           {"title": "红烛先锋", "file": SimpleUploadedFile("v.mp4", SAMPLE.read_bytes())})
    assert response.status_code == 302
    return MicroVideo.objects.get(project=project)


def _move(client, project, name, **data):
    return client.post(reverse("dissemination:video_publication", args=[project.pk, name]), data)


def _public(client, video):
    client.logout()
    page = client.get(reverse("showcase:video", args=[video.pk])).status_code == 200
    stream = client.get(reverse("showcase:video_file", args=[video.pk])).status_code == 200
    showcase = 'data-testid="micro-video"' in client.get(reverse("showcase:project", args=[video.project_id])).content.decode()
    return page, stream, showcase


def test_an_uploaded_video_is_public_only_after_both_approvals(tree, client, media_root):
    project = cultivating_project(tree.branch_a1)
    client.force_login(tree.secretary)
    video = _upload(client, project)
    assert video.state == PublicationState.PRIVATE
    assert _public(client, video) == (False, False, False)

    client.force_login(tree.secretary)
    _move(client, project, "request")
    client.force_login(tree.unit_staff)
    _move(client, project, "endorse")
    assert _public(client, video) == (False, False, False)
    client.force_login(tree.staff)
    _move(client, project, "approve")
    assert _public(client, video) == (True, True, True)
    assert list(Event.objects.filter(action__in=["video.request", "video.endorse", "video.approve"])
                .order_by("id").values_list("action", flat=True)) == ["video.request", "video.endorse", "video.approve"]


def test_a_replaced_video_needs_its_own_approval(tree, client, media_root):
    project = cultivating_project(tree.branch_a1)
    client.force_login(tree.secretary)
    video = _upload(client, project)
    _move(client, project, "request")
    client.force_login(tree.staff)
    _move(client, project, "endorse")
    _move(client, project, "approve")
    client.force_login(tree.secretary)
    client.post(reverse("dissemination:video_link", args=[project.pk]),
                {"title": "新视频", "url": "https://www.xuexi.cn/video/2.html"})
    video.refresh_from_db()
    assert video.external_url and video.state == PublicationState.PRIVATE
    assert Event.objects.filter(action="video.withdraw").exists()


def test_the_staff_page_plays_the_video_and_links_its_public_page(tree, client, media_root):
    project = cultivating_project(tree.branch_a1)
    client.force_login(tree.secretary)
    video = _upload(client, project)
    client.force_login(tree.unit_staff)
    url = reverse("dissemination:video_manage", args=[project.pk])
    html = client.get(url).content.decode()
    stream = reverse("dissemination:video_stream", args=[project.pk])
    assert "<video" in html and stream in html
    assert 'data-testid="video-upload"' not in html  # only the secretary uploads
    assert reverse("showcase:video", args=[video.pk]) not in html  # not public yet: no public link
    ranged = client.get(stream, HTTP_RANGE="bytes=0-99")
    assert ranged.status_code == 206 and b"".join(ranged.streaming_content) == SAMPLE.read_bytes()[:100]
    client.force_login(tree.secretary)
    _move(client, project, "request")
    client.force_login(tree.staff)
    _move(client, project, "endorse")
    _move(client, project, "approve")
    html = client.get(url).content.decode()
    assert 'data-testid="video-public-link"' in html and reverse("showcase:video", args=[video.pk]) in html
    client.force_login(tree.other_secretary)
    assert client.get(stream).status_code == 404


def test_the_upload_form_names_the_size_limit_of_the_setting(tree, client, settings):
    settings.MICRO_VIDEO_MAX_BYTES = 200 * 1024 * 1024
    project = cultivating_project(tree.branch_a1)
    client.force_login(tree.secretary)
    html = client.get(reverse("dissemination:video_manage", args=[project.pk])).content.decode()
    assert "不超过 200 MB" in html and "经二级党组织和组织部同意后" in html

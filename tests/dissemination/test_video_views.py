from django.urls import reverse

from cultivation.enums import ProjectState
from cultivation.models import Project
from tests.dissemination.test_video import SAMPLE, stored, upload  # noqa: F401 - the fixture


def accept(video):
    Project.objects.filter(pk=video.project_id).update(state=ProjectState.ACCEPTED)


def test_public_page_shows_video_of_accepted_project(client, stored):  # noqa: F811
    accept(stored)
    response = client.get(reverse("showcase:video", args=[stored.pk]))
    assert response.status_code == 200
    assert 'preload="metadata"' in response.content.decode()
    ranged = client.get(reverse("showcase:video_file", args=[stored.pk]), HTTP_RANGE="bytes=0-99")
    assert ranged.status_code == 206 and b"".join(ranged.streaming_content) == SAMPLE.read_bytes()[:100]


def test_not_showcased_project_video_is_404(client, stored):  # noqa: F811
    # 培育中 projects are on the showcase (dissemination.showcase); one that failed acceptance is not.
    Project.objects.filter(pk=stored.project_id).update(state=ProjectState.FAILED)
    assert client.get(reverse("showcase:video", args=[stored.pk])).status_code == 404
    assert client.get(reverse("showcase:video_file", args=[stored.pk])).status_code == 404

from django.contrib.auth import get_user_model
from django.urls import reverse

from cultivation.enums import ProjectState
from cultivation.models import Project
from tests.dissemination.test_video import SAMPLE, stored, upload  # noqa: F401 - the fixture

User = get_user_model()


def accept(video):
    """The project passed acceptance and its video was approved to publish."""
    approve(video)
    Project.objects.filter(pk=video.project_id).update(state=ProjectState.ACCEPTED)


def approve(video):
    from cultivation.enums import Actor
    from cultivation.workflow import actor_roles
    from dissemination.video_publication import video_move

    people = {}
    for user in User.objects.all():
        for role in actor_roles(user, video.project):
            people.setdefault(role, user)
    for name, role in [("request", Actor.SECRETARY), ("endorse", Actor.SCHOOL), ("approve", Actor.SCHOOL)]:
        video = video_move(video=video, name=name, actor=people[role])
    return video


def test_an_unapproved_video_of_a_showcased_project_is_not_public(client, stored):  # noqa: F811
    Project.objects.filter(pk=stored.project_id).update(state=ProjectState.ACCEPTED)
    assert client.get(reverse("showcase:video", args=[stored.pk])).status_code == 404
    assert client.get(reverse("showcase:video_file", args=[stored.pk])).status_code == 404


def test_public_page_shows_video_of_accepted_project(client, stored):  # noqa: F811
    accept(stored)
    response = client.get(reverse("showcase:video", args=[stored.pk]))
    assert response.status_code == 200
    assert 'preload="metadata"' in response.content.decode()
    ranged = client.get(reverse("showcase:video_file", args=[stored.pk]), HTTP_RANGE="bytes=0-99")
    assert ranged.status_code == 206 and b"".join(ranged.streaming_content) == SAMPLE.read_bytes()[:100]


def test_head_of_a_public_video_answers_its_size_without_the_body(client, stored):  # noqa: F811
    accept(stored)
    response = client.head(reverse("showcase:video_file", args=[stored.pk]))
    assert response.status_code == 200 and response["Content-Length"] == str(SAMPLE.stat().st_size)
    assert response["Accept-Ranges"] == "bytes" and b"".join(response.streaming_content) == b""


def test_not_showcased_project_video_is_404(client, stored):  # noqa: F811
    # 培育中 projects are on the showcase (dissemination.showcase); one that failed acceptance is not.
    approve(stored)
    Project.objects.filter(pk=stored.project_id).update(state=ProjectState.FAILED)
    assert client.get(reverse("showcase:video", args=[stored.pk])).status_code == 404
    assert client.get(reverse("showcase:video_file", args=[stored.pk])).status_code == 404


def test_the_poster_frame_is_shown_before_the_video_plays(client, tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dissemination.video import video_upload
    from tests.dissemination.booklet_helpers import png_bytes
    from tests.factories import cultivating_project

    project = cultivating_project(tree.branch_a1)
    video = video_upload(project=project, actor=tree.secretary, file=upload(SAMPLE.read_bytes()), title="微视频",
                         poster=SimpleUploadedFile("封面.png", png_bytes(), content_type="image/png"))
    approve(video)
    poster = reverse("showcase:video_poster", args=[video.pk])
    assert f'poster="{poster}"' in client.get(reverse("showcase:video", args=[video.pk])).content.decode()
    response = client.get(poster)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_a_video_without_a_poster_has_none(client, stored):  # noqa: F811
    approve(stored)
    assert "poster=" not in client.get(reverse("showcase:video", args=[stored.pk])).content.decode()
    assert client.get(reverse("showcase:video_poster", args=[stored.pk])).status_code == 404

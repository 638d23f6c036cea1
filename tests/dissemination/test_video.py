import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from branches.models import Event
from dissemination.video import NOT_H264, NOT_VIDEO, MicroVideo, check_video, serve_video, video_upload
from tests.factories import cultivating_project
from transitions.refusals import NotAllowed

SAMPLE = Path(__file__).with_name("sample.mp4")
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def upload(data, name="视频.mp4"):
    return SimpleUploadedFile(name, data, content_type="video/mp4")


def stored_files(media_root):
    return [p for p in Path(media_root).rglob("*") if p.is_file()] if Path(media_root).exists() else []


def test_check_video_accepts_h264_mp4():
    assert check_video(io.BytesIO(SAMPLE.read_bytes())).codec == "avc1"


@pytest.mark.parametrize("data", [PNG, "一段文字".encode() * 20, b"\x00\x00\x00\x08ftyp"])
def test_check_video_refuses_renamed_non_video(data):
    with pytest.raises(ValidationError) as error:
        check_video(io.BytesIO(data))
    assert error.value.messages == [NOT_VIDEO]


def test_check_video_refuses_non_h264_mp4():
    data = SAMPLE.read_bytes().replace(b"avc1", b"hvc1")
    with pytest.raises(ValidationError) as error:
        check_video(io.BytesIO(data))
    assert error.value.messages == [NOT_H264]


def test_check_video_enforces_size_limit(settings):
    settings.MICRO_VIDEO_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="超过上限"):
        check_video(io.BytesIO(SAMPLE.read_bytes()))


def test_upload_stores_and_replacing_logs_event(tree, media_root):
    project = cultivating_project(tree.branch_a1)
    first = video_upload(project=project, actor=tree.secretary, file=upload(SAMPLE.read_bytes()), title="微视频")
    assert (Path(media_root) / first.path).read_bytes() == SAMPLE.read_bytes()
    second = video_upload(project=project, actor=tree.secretary, file=upload(SAMPLE.read_bytes()), title="新版")
    assert MicroVideo.objects.count() == 1 and second.title == "新版"
    assert list(Event.objects.filter(action__startswith="video.").values_list("action", flat=True).order_by("pk")) == [
        "video.uploaded", "video.replaced"]


def test_renamed_png_refused_and_nothing_stored(tree, media_root):
    project = cultivating_project(tree.branch_a1)
    with pytest.raises(ValidationError, match="不是 MP4 视频"):
        video_upload(project=project, actor=tree.secretary, file=upload(PNG, "假视频.mp4"), title="x")
    assert not MicroVideo.objects.exists() and stored_files(media_root) == []


def test_other_branch_cannot_upload(tree, media_root):
    project = cultivating_project(tree.branch_a1)
    with pytest.raises(NotAllowed):
        video_upload(project=project, actor=tree.other_secretary, file=upload(SAMPLE.read_bytes()), title="x")
    assert stored_files(media_root) == []


@pytest.fixture
def stored(tree):
    project = cultivating_project(tree.branch_a1)
    return video_upload(project=project, actor=tree.secretary, file=upload(SAMPLE.read_bytes()), title="微视频")


def get(video, range_header=None):
    headers = {"HTTP_RANGE": range_header} if range_header else {}
    return serve_video(RequestFactory().get("/", **headers), video)


def body(response):
    return b"".join(response.streaming_content)


def test_serve_without_range_is_whole_file(stored):
    response = get(stored)
    data = SAMPLE.read_bytes()
    assert response.status_code == 200 and response["Accept-Ranges"] == "bytes" and body(response) == data


@pytest.mark.parametrize("header,start,end", [("bytes=0-99", 0, 99), ("bytes=100-", 100, None), ("bytes=-50", -50, None)])
def test_serve_range(stored, header, start, end):
    data = SAMPLE.read_bytes()
    expected = data[start:] if end is None else data[start:end + 1]
    response = get(stored, header)
    first = len(data) + start if start < 0 else start
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{first + len(expected) - 1}/{len(data)}"
    assert body(response) == expected


@pytest.mark.parametrize("header", ["bytes=999999-", "bytes=50-10", "bytes=-0"])
def test_serve_bad_range_is_416(stored, header):
    response = get(stored, header)
    assert response.status_code == 416 and response["Content-Range"] == f"bytes */{SAMPLE.stat().st_size}"


@pytest.mark.parametrize("header", ["bytes=0-1,5-9", "items=0-1"])
def test_serve_ignores_several_ranges_or_another_unit_and_sends_the_whole_file(stored, header):
    # nginx answers several ranges with 206; 416 refused what a client may ask. The whole file is allowed.
    response = get(stored, header)
    assert response.status_code == 200 and body(response) == SAMPLE.read_bytes()


@pytest.mark.parametrize("location", ["/protected/", "/internal-media"])
def test_serve_by_web_server(stored, settings, location):
    settings.VIDEO_SERVED_BY_WEB_SERVER = True
    settings.PROTECTED_MEDIA_URL = location
    response = get(stored, "bytes=0-99")
    assert response["X-Accel-Redirect"] == location.rstrip("/") + f"/{stored.path}" and response.content == b""

"""Small copies of pictures: made after the upload commits, served to the showcase's cards, the original
kept as the fallback; files that are not pictures, or that Pillow cannot read, get none and break nothing."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from cultivation.enums import ProjectState
from cultivation.models import Project
from cultivation.reports.demo import publish_picture
from cultivation.reports.evidence import attachment_add
from cultivation.reports.thumbnails import THUMBNAIL_SIZE, make_thumbnail, thumbnail_path
from tests.factories import cultivating_project

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo(width=1600, height=1200, mode="RGB", kind="PNG"):
    buffer = io.BytesIO()
    Image.new(mode, (width, height), (30, 120, 200) if mode == "RGB" else (30, 120, 200, 128)).save(buffer, kind)
    return buffer.getvalue()


def upload(tree, data, name="合影.png", project=None):
    project = project or cultivating_project(tree.branch_a1)
    return attachment_add(project=project, actor=tree.secretary, caption="主题党日",
                          file=SimpleUploadedFile(name, data))


def test_an_uploaded_picture_gets_a_small_jpeg_copy(tree, media):
    attachment = upload(tree, photo())
    relative = thumbnail_path(attachment)
    assert relative is not None
    with Image.open(media / relative) as image:
        assert image.format == "JPEG" and max(image.size) == THUMBNAIL_SIZE and image.size == (640, 480)
    assert (media / relative).stat().st_size < attachment.size


def test_a_transparent_picture_is_flattened_on_white(tree, media):
    attachment = upload(tree, photo(300, 200, mode="RGBA"))
    with Image.open(media / thumbnail_path(attachment)) as image:
        assert image.mode == "RGB" and image.size == (300, 200)


def test_a_pdf_gets_no_copy_and_a_broken_picture_breaks_nothing(tree, media):
    pdf = upload(tree, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", name="材料.pdf")
    assert thumbnail_path(pdf) is None and make_thumbnail(pdf) is None
    picture = upload(tree, photo(100, 80))
    (media / thumbnail_path(picture)).unlink()
    (media / picture.path).write_bytes(b"\x89PNG\r\n\x1a\n" + b"broken" * 10)
    assert make_thumbnail(picture) is None and thumbnail_path(picture) is None


def test_the_showcase_cards_use_the_copy_and_fall_back_to_the_original(tree, client, media):
    attachment = upload(tree, photo())
    publish_picture(attachment, secretary=tree.secretary, unit=tree.staff, school=tree.staff)
    Project.objects.filter(pk=attachment.project_id).update(state=ProjectState.ACCEPTED)
    index = client.get(reverse("showcase:index")).content.decode()
    small_url = reverse("showcase:picture", args=[attachment.pk]) + "?size=small"
    assert small_url in index
    small = client.get(small_url)
    assert small.status_code == 200 and small["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(b"".join(small.streaming_content))) as image:
        assert image.size == (640, 480)
    (media / thumbnail_path(attachment)).unlink()
    fallback = client.get(small_url)
    assert fallback["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(b"".join(fallback.streaming_content))) as image:
        assert image.size == (1600, 1200)


def test_the_command_makes_the_missing_copies(tree, media, capsys):
    first, second = upload(tree, photo(800, 600)), upload(tree, photo(700, 700))
    for attachment in (first, second):
        (media / thumbnail_path(attachment)).unlink()
    call_command("make_thumbnails")
    assert "已生成缩略图 2 张" in capsys.readouterr().out
    assert all(Path(media / thumbnail_path(a)).is_file() for a in (first, second))


def test_with_the_database_backend_the_worker_makes_the_copy(tree, settings):
    from django_tasks_db.models import DBTaskResult

    from tests.dissemination.test_booklet_task import DATABASE_TASKS

    settings.TASKS = DATABASE_TASKS
    attachment = upload(tree, photo(900, 600))
    assert thumbnail_path(attachment) is None  # the upload only queued it
    assert DBTaskResult.objects.filter(task_path="cultivation.reports.tasks.make_thumbnail").count() == 1
    call_command("task_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert thumbnail_path(attachment) is not None

"""Media in an S3-compatible bucket (MEDIA_S3_BUCKET): a real S3 server on loopback (moto's), the app's own
upload and download views, the bytes read back through the presigned URL the download redirects to."""

import io
import os
import socket
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cultivation.enums import ProjectState
from cultivation.reports.enums import PublicationState
from cultivation.models import Attachment, Project
from cultivation.reports.thumbnails import thumbnail_path
from tests.factories import cultivating_project

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings):
    """A fresh bucket, and the app's default storage pointed at it as config/settings.py would."""
    name = f"dangzhibu-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, **KEYS)
    client.create_bucket(Bucket=name)
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": name, "endpoint_url": s3_endpoint, "region_name": KEYS["region_name"],
        "access_key": KEYS["aws_access_key_id"], "secret_key": KEYS["aws_secret_access_key"],
        "addressing_style": "path", "signature_version": "s3v4", "default_acl": None,
        "querystring_auth": True, "querystring_expire": 300, "file_overwrite": True}}}
    client.bucket = name
    return client


def keys(bucket):
    return sorted(item["Key"] for item in bucket.list_objects_v2(Bucket=bucket.bucket).get("Contents", []))


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.read(), answer.headers


def photo(width=1200, height=900):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def upload(client, project, data, name):
    return client.post(reverse("cultivation:report_attachment_upload", args=[project.pk]),
                       {"file": SimpleUploadedFile(name, data), "caption": "支部活动"})


@pytest.mark.django_db(transaction=True)
def test_an_attachment_goes_to_the_bucket_and_comes_back_through_a_presigned_url(tree, client_for, bucket, media_root):
    project = cultivating_project(tree.branch_a1)
    data = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    assert upload(client_for(tree.secretary), project, data, "学习材料.pdf").status_code == 302
    attachment = Attachment.objects.get(project=project)
    # In the bucket under its generated name, and nowhere on the local disk.
    assert keys(bucket) == [attachment.path]
    assert bucket.get_object(Bucket=bucket.bucket, Key=attachment.path)["Body"].read() == data
    assert not Path(media_root).exists() or not any(Path(media_root).rglob("*.pdf"))

    download = client_for(tree.unit_staff).get(reverse("cultivation:report_attachment_download", args=[attachment.pk]))
    assert download.status_code == 302
    location = download["Location"]
    assert location.startswith(bucket.meta.endpoint_url) and "X-Amz-Signature" in location
    assert "X-Amz-Expires=300" in location and "no-store" in download["Cache-Control"]
    body, headers = fetch(location)
    assert body == data
    assert headers["Content-Type"] == "application/pdf"
    # A PDF opens in the browser's viewer, under its Chinese name.
    assert "inline" in headers["Content-Disposition"] and "%E5%AD%A6%E4%B9%A0" in headers["Content-Disposition"]


@pytest.mark.django_db(transaction=True)
def test_someone_who_may_not_read_the_project_gets_no_url(tree, client_for, bucket):
    project = cultivating_project(tree.branch_a1)
    upload(client_for(tree.secretary), project, b"%PDF-1.4\n%%EOF\n", "材料.pdf")
    attachment = Attachment.objects.get(project=project)
    for url in (reverse("cultivation:report_attachment_download", args=[attachment.pk]),
                reverse("cultivation:report_attachment_preview", args=[attachment.pk])):
        refused = client_for(tree.other_secretary).get(url)
        assert refused.status_code in (403, 404)
        assert "Location" not in refused and bucket.bucket not in refused.content.decode(errors="replace")


@pytest.mark.django_db(transaction=True)
def test_a_picture_previews_and_gets_its_thumbnail_in_the_bucket(tree, client_for, bucket):
    project = cultivating_project(tree.branch_a1)
    data = photo()
    upload(client_for(tree.secretary), project, data, "合影.png")
    attachment = Attachment.objects.get(project=project)
    # The immediate tasks backend made the copy after the upload committed: it is in the bucket too.
    assert thumbnail_path(attachment) == f"thumbnails/{attachment.sha256}.jpg"
    assert keys(bucket) == sorted([attachment.path, thumbnail_path(attachment)])

    preview = client_for(tree.unit_staff).get(reverse("cultivation:report_attachment_preview", args=[attachment.pk]))
    assert preview.status_code == 302
    body, headers = fetch(preview["Location"])
    assert body == data and headers["Content-Type"] == "image/png"

    Project.objects.filter(pk=project.pk).update(state=ProjectState.ACCEPTED)
    Attachment.objects.filter(pk=attachment.pk).update(state=PublicationState.PUBLIC)  # reviewed for publication
    small = client_for(tree.unit_staff).get(reverse("showcase:picture", args=[attachment.pk]) + "?size=small")
    body, headers = fetch(small["Location"])
    with Image.open(io.BytesIO(body)) as image:
        assert image.format == "JPEG" and max(image.size) == 640


@pytest.mark.django_db(transaction=True)
def test_a_bucket_object_that_is_not_the_recorded_picture_is_not_previewed(tree, client_for, bucket):
    project = cultivating_project(tree.branch_a1)
    upload(client_for(tree.secretary), project, photo(50, 40), "合影.png")
    attachment = Attachment.objects.get(project=project)
    bucket.put_object(Bucket=bucket.bucket, Key=attachment.path, Body=b"<html><script>alert(1)</script>")
    preview = client_for(tree.unit_staff).get(reverse("cultivation:report_attachment_preview", args=[attachment.pk]))
    assert preview.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_missing_object_is_404_not_a_url(tree, client_for, bucket):
    project = cultivating_project(tree.branch_a1)
    upload(client_for(tree.secretary), project, b"%PDF-1.4\n%%EOF\n", "材料.pdf")
    attachment = Attachment.objects.get(project=project)
    bucket.delete_object(Bucket=bucket.bucket, Key=attachment.path)
    assert client_for(tree.unit_staff).get(
        reverse("cultivation:report_attachment_download", args=[attachment.pk])).status_code == 404


def test_the_settings_switch_to_the_bucket_only_when_one_is_named():
    probe = ("from django.conf import settings; import django; django.setup(); "
             "print(settings.STORAGES['default']['BACKEND']); print(settings.CONTENT_SECURITY_POLICY"
             "['DIRECTIVES']['img-src'][-1])")
    base = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "true"}
    base.pop("MEDIA_S3_BUCKET", None)
    plain = subprocess.run([sys.executable, "-c", probe], env=base, cwd=ROOT, capture_output=True, text=True, check=True)
    assert plain.stdout.split()[0] == "django.core.files.storage.FileSystemStorage"
    s3 = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True,
                        env={**base, "MEDIA_S3_BUCKET": "dangzhibu", "MEDIA_S3_ENDPOINT_URL": "https://oss.example.edu.cn"})
    assert s3.stdout.split() == ["storages.backends.s3.S3Storage", "https://oss.example.edu.cn"]


@pytest.mark.django_db(transaction=True)
def test_a_backup_with_a_bucket_holds_the_database_and_names_the_bucket(tree, client_for, bucket, settings, tmp_path):
    import json
    import tarfile

    from django.core.management import call_command

    settings.MEDIA_S3_BUCKET = bucket.bucket
    upload(client_for(tree.secretary), cultivating_project(tree.branch_a1), b"%PDF-1.4\n%%EOF\n", "材料.pdf")
    archive = call_command("backup", output=str(tmp_path))
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert not [name for name in names if name.startswith("media/")]
    assert manifest["media"] == {} and manifest["media_storage"] == f"s3://{bucket.bucket}"


def test_check_deploy_warns_of_a_plain_http_store_and_long_lived_urls(settings):
    from branches.checks import media_bucket

    settings.MEDIA_S3_BUCKET = "dangzhibu"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "endpoint_url": "http://oss.example.edu.cn", "querystring_expire": 3600, "querystring_auth": True}}}
    assert [problem.id for problem in media_bucket()] == ["branches.W010", "branches.W011"]
    settings.STORAGES["default"]["OPTIONS"].update(endpoint_url="https://oss.example.edu.cn", querystring_expire=300)
    assert media_bucket() == []
    settings.MEDIA_S3_BUCKET = ""
    assert media_bucket() == []


@pytest.mark.django_db(transaction=True)
def test_the_booklet_embeds_the_bucket_pictures_and_is_stored_there(tree, client_for, bucket):
    from docx import Document

    from dissemination.tasks import build_booklet
    from tests.dissemination.booklet_helpers import accepted_projects

    batch, _ = accepted_projects(tree, 2)
    name = build_booklet.call(batch.pk, tree.staff.pk)
    assert f"booklets/{batch.pk}/{name}.docx" in keys(bucket)
    download = client_for(tree.staff).get(reverse("dissemination:booklet_file", args=[batch.pk, name]))
    assert download.status_code == 302
    body, headers = fetch(download["Location"])
    assert "attachment" in headers["Content-Disposition"]
    assert len(Document(io.BytesIO(body)).inline_shapes) == 2  # each chapter's picture, read from the bucket
    assert client_for(tree.unit_staff).get(
        reverse("dissemination:booklet_file", args=[batch.pk, name])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_an_export_the_worker_made_is_kept_in_the_bucket_for_its_user_only(tree, client_for, bucket, settings):
    from django.core.management import call_command
    from openpyxl import load_workbook

    from notifications.models import Notification
    from tests.factories import ProjectFactory

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EXPORT_INLINE_MAX_ROWS = 1
    for branch in (tree.branch_a1, tree.branch_a2):
        ProjectFactory(organization=branch)
    client = client_for(tree.unit_staff)
    assert client.get(reverse("cultivation:project_export")).status_code == 302
    call_command("task_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    notice = Notification.objects.get(user=tree.unit_staff)
    assert [key for key in keys(bucket) if key.startswith(f"exports/{tree.unit_staff.pk}/")]
    download = client.get(notice.url)
    assert download.status_code == 302
    body, headers = fetch(download["Location"])
    assert len(list(load_workbook(io.BytesIO(body)).worksheets[0].iter_rows())) == 3  # the header and two rows
    assert client_for(tree.other_unit_staff).get(notice.url).status_code == 404

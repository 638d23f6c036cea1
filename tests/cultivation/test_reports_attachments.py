"""Evidence attachments: judged by content and size, stored atomically, downloaded only by readers."""

import io
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from branches.models import Event
from cultivation.models import Attachment, Project
from cultivation.reports import evidence as report_evidence
from cultivation.reports.enums import ReportState
from cultivation.workflow import MoveRefused
from tests.factories import cultivating_project, progress_report

pytestmark = pytest.mark.django_db

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (183, 28, 28)).save(buffer, format="PNG")
    return buffer.getvalue()


def stored_files(media_root):
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def upload(client, project, name, content, **extra):
    return client.post(reverse("cultivation:report_attachment_upload", args=[project.pk]),
                       {"file": SimpleUploadedFile(name, content), "caption": "主题党日现场", **extra}, follow=True)


def test_a_photo_is_stored_under_a_generated_name_and_keeps_its_chinese_name(tree, client_for, media_root):
    project = cultivating_project(tree.branch_a1)
    response = upload(client_for(tree.secretary), project, "主题党日合影.png", png_bytes())
    assert "已上传佐证材料" in response.content.decode()
    attachment = Attachment.objects.get()
    assert attachment.original_name == "主题党日合影.png" and attachment.content_type == "image/png"
    assert attachment.size == len(png_bytes()) and len(attachment.sha256) == 64
    assert attachment.path.startswith("reports/") and "主题" not in attachment.path
    assert [p.name for p in stored_files(media_root)] == [attachment.path.split("/")[-1]]
    assert Event.objects.filter(action="attachment.uploaded").count() == 1


@pytest.mark.parametrize(("name", "content", "message"), [
    ("合影.jpg", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200, "可执行程序"),
    ("空白.pdf", b"", "文件是空的"),
    ("大图.pdf", PDF + b"0" * 3000, "超过上限"),
    ("网页.png", b"<html><script>alert(1)</script></html>", "网页或脚本"),
])
def test_bad_files_are_refused_with_a_message_and_nothing_is_written(tree, client_for, media_root, settings,
                                                                     name, content, message):
    settings.UPLOAD_MAX_BYTES = 2048
    project = cultivating_project(tree.branch_a1)
    response = upload(client_for(tree.secretary), project, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Attachment.objects.exists()
    assert not stored_files(media_root)
    assert not Event.objects.filter(action="attachment.uploaded").exists()


def test_a_refused_secretary_writes_no_file(tree, media_root):
    project = cultivating_project(tree.branch_b1)
    with pytest.raises(MoveRefused):
        report_evidence.attachment_add(project=project, actor=tree.secretary,
                                       file=SimpleUploadedFile("a.png", png_bytes()))
    assert not stored_files(media_root) and not Attachment.objects.exists()


def test_an_attachment_cannot_join_a_submitted_report(tree, media_root):
    project = cultivating_project(tree.branch_a1)
    report = progress_report(project, state=ReportState.SUBMITTED)
    with pytest.raises(MoveRefused, match="报告已提交"):
        report_evidence.attachment_add(project=project, actor=tree.secretary, report=report,
                                       file=SimpleUploadedFile("a.png", png_bytes()))
    assert not stored_files(media_root) and not Attachment.objects.exists()


def test_an_attachment_joins_an_editable_report_through_the_view(tree, client_for):
    project = cultivating_project(tree.branch_a1)
    report = progress_report(project)
    response = client_for(tree.secretary).post(
        reverse("cultivation:report_attachment_upload", args=[project.pk]),
        {"file": SimpleUploadedFile("会议记录.pdf", PDF), "report": report.pk})
    assert response.status_code == 302 and response.url == reverse("cultivation:report_edit", args=[report.pk])
    assert Attachment.objects.get().report == report


def test_deleting_an_attachment_removes_the_file_after_commit(tree, media_root, django_capture_on_commit_callbacks):
    project = cultivating_project(tree.branch_a1)
    attachment = report_evidence.attachment_add(project=project, actor=tree.secretary,
                                                file=SimpleUploadedFile("a.pdf", PDF))
    with django_capture_on_commit_callbacks(execute=True):
        report_evidence.evidence_delete(kind="attachment", item=attachment, actor=tree.secretary)
    assert not Attachment.objects.exists() and not stored_files(media_root)


@pytest.fixture
def stored(tree):
    project = cultivating_project(tree.branch_a1)
    return report_evidence.attachment_add(project=project, actor=tree.secretary,
                                          file=SimpleUploadedFile("支部书记讲党课.pdf", PDF))


@pytest.mark.parametrize("who", ["secretary", "unit_staff", "staff"])
def test_readers_open_a_pdf_in_the_browser_under_its_chinese_name(tree, client_for, stored, who):
    # A PDF opens in the browser's viewer (issue 24, item 13); other files stay downloads (test below).
    response = client_for(getattr(tree, who)).get(reverse("cultivation:report_attachment_download", args=[stored.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline;") and quote("支部书记讲党课.pdf") in disposition
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("who", ["other_secretary", "other_unit_staff", "reviewer"])
def test_others_get_404(tree, client_for, stored, who):
    response = client_for(getattr(tree, who)).get(reverse("cultivation:report_attachment_download", args=[stored.pk]))
    assert response.status_code == 404


def test_a_visitor_is_sent_to_the_login_page(client, stored):
    response = client.get(reverse("cultivation:report_attachment_download", args=[stored.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


GRANTED = {}


def granted_by_another_app(user):
    return Project.objects.filter(pk__in=GRANTED.get(user.pk, []))


def test_a_reviewer_granted_reading_by_another_app_may_download(tree, client_for, stored, settings, monkeypatch):
    # What evaluations does for an assigned reviewer: a reader declared in settings.PROJECT_READERS.
    settings.PROJECT_READERS = [*settings.PROJECT_READERS, f"{__name__}.granted_by_another_app"]
    monkeypatch.setitem(GRANTED, tree.reviewer.pk, [stored.project_id])
    response = client_for(tree.reviewer).get(reverse("cultivation:report_attachment_download", args=[stored.pk]))
    assert response.status_code == 200
    other = client_for(tree.other_secretary).get(reverse("cultivation:report_attachment_download", args=[stored.pk]))
    assert other.status_code == 404


# ---- previews of images --------------------------------------------------------------------

@pytest.fixture
def photo(tree):
    project = cultivating_project(tree.branch_a1)
    return report_evidence.attachment_add(project=project, actor=tree.secretary, caption="主题党日合影",
                                          file=SimpleUploadedFile("主题党日合影.png", png_bytes()))


def preview_url(attachment):
    return reverse("cultivation:report_attachment_preview", args=[attachment.pk])


@pytest.mark.parametrize("who", ["secretary", "unit_staff", "staff"])
def test_readers_see_a_photo_inline_as_the_image_it_was_checked_to_be(tree, client_for, photo, who):
    response = client_for(getattr(tree, who)).get(preview_url(photo))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline;") and quote("主题党日合影.png") in response["Content-Disposition"]
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == png_bytes()


@pytest.mark.parametrize("who", ["other_secretary", "other_unit_staff", "reviewer"])
def test_another_branch_gets_404_for_a_preview(tree, client_for, photo, who):
    assert client_for(getattr(tree, who)).get(preview_url(photo)).status_code == 404


def test_a_visitor_is_sent_to_log_in_for_a_preview(client, photo):
    response = client.get(preview_url(photo))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_pdf_is_never_previewed_only_downloaded(tree, client_for, stored):
    assert client_for(tree.secretary).get(preview_url(stored)).status_code == 404


@pytest.mark.parametrize("content_type", ["image/svg+xml", "text/html", "image/png"])
def test_a_record_whose_stored_bytes_are_not_that_raster_image_is_not_previewed(tree, client_for, stored, content_type):
    # A row written around the upload check (an import, a hand edit): the stored file is a PDF.
    Attachment.objects.filter(pk=stored.pk).update(content_type=content_type)
    assert client_for(tree.secretary).get(preview_url(stored)).status_code == 404
    stored_png_named = Attachment.objects.get(pk=stored.pk)
    Attachment.objects.filter(pk=stored.pk).update(path=stored_png_named.path.replace(".pdf", ".png"))
    assert client_for(tree.secretary).get(preview_url(stored)).status_code == 404


def test_the_report_and_project_pages_show_the_photo_and_only_link_the_pdf(tree, client_for, photo):
    report = progress_report(photo.project)
    Attachment.objects.filter(pk=photo.pk).update(report=report)
    pdf = report_evidence.attachment_add(project=photo.project, actor=tree.secretary, report=report,
                                         file=SimpleUploadedFile("会议记录.pdf", PDF))
    client = client_for(tree.unit_staff)
    for url in (reverse("cultivation:report_detail", args=[report.pk]),
                reverse("cultivation:report_project", args=[photo.project_id]),
                reverse("cultivation:project_detail", args=[photo.project_id])):
        page = client.get(url).content.decode()
        assert f'<img src="{preview_url(photo)}" alt="主题党日合影"' in page, url
        assert preview_url(pdf) not in page and reverse("cultivation:report_attachment_download", args=[pdf.pk]) in page

"""branches.uploads: judged by content, stored whole or not at all, served as a download only."""

import errno
import io
import os
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.http import Http404
from openpyxl import Workbook
from PIL import Image

from branches import uploads
from branches.uploads import attachment_response, check_upload, store_upload

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def image_bytes(format_, size=(40, 30), mode="RGB", **options):
    buffer = io.BytesIO()
    Image.new(mode, size, color=0).save(buffer, format_, **options)
    return buffer.getvalue()


def zip_bytes(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes(extra=None):
    return zip_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>", **(extra or {})})


def xlsx_bytes():
    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(["支部", "党员数"])
    workbook.save(buffer)
    return buffer.getvalue()


def ole_bytes(*streams):
    return OLE + b"".join(name.encode("utf-16-le") + b"\x00" * 8 for name in streams)


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
SVG_WITH_SCRIPT = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>document.location='http://evil'</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 200


def upload(data, name):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.mark.parametrize("data, name, detected, kind, content_type", [
    (image_bytes("PNG"), "支部活动照片.png", "png", "image", "image/png"),
    (image_bytes("JPEG"), "主题党日.jpeg", "jpeg", "image", "image/jpeg"),
    (image_bytes("GIF", mode="P"), "动图.gif", "gif", "image", "image/gif"),
    (image_bytes("WEBP"), "微信图片.webp", "webp", "image", "image/webp"),
    (PDF, "工作专报.pdf", "pdf", "pdf", "application/pdf"),
    (docx_bytes(), "阶段性工作总结.docx", "docx", "office",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (xlsx_bytes(), "党员名单.xlsx", "xlsx", "office", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (zip_bytes({"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<p/>"}), "专题汇报.pptx", "pptx", "office",
     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    (ole_bytes("WordDocument", "1Table"), "旧版总结.doc", "doc", "office", "application/msword"),
    (ole_bytes("Workbook"), "旧版名单.xls", "xls", "office", "application/vnd.ms-excel"),
    (ole_bytes("PowerPoint Document"), "旧版汇报.ppt", "ppt", "office", "application/vnd.ms-powerpoint"),
])
def test_accepted_files_are_recognised_by_content(data, name, detected, kind, content_type):
    checked = check_upload(upload(data, name))
    assert (checked.type, checked.kind, checked.content_type) == (detected, kind, content_type)
    assert checked.display_name == name and checked.size == len(data)
    import hashlib

    assert checked.sha256 == hashlib.sha256(data).hexdigest()


def test_an_image_reports_its_size_in_pixels():
    checked = check_upload(upload(image_bytes("PNG", size=(64, 48)), "a.png"))
    assert (checked.width, checked.height) == (64, 48)


def test_the_real_type_wins_over_the_name_and_the_download_name_follows_it():
    checked = check_upload(upload(image_bytes("PNG"), "会议记录.pdf"))
    assert checked.type == "png" and checked.extension == ".png" and checked.display_name == "会议记录.png"
    assert check_upload(upload(image_bytes("JPEG"), "照片.JPG")).display_name == "照片.JPG"
    assert check_upload(upload(PDF, "没有扩展名")).display_name == "没有扩展名.pdf"


def test_a_large_upload_spooled_to_disk_is_checked_the_same_way():
    spooled = TemporaryUploadedFile("大照片.png", "image/png", 0, None)
    data = image_bytes("PNG", size=(500, 400))
    spooled.write(data)
    spooled.size = len(data)
    assert check_upload(spooled).type == "png"
    spooled.close()


def refused(data, name="文件.jpg", **options):
    with pytest.raises(ValidationError) as raised:
        check_upload(upload(data, name), **options)
    message = raised.value.messages[0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message  # the user reads Chinese
    return message


@pytest.mark.parametrize("data, name, says", [
    (EXE, "照片.jpg", "可执行程序"),
    (ELF, "报告.pdf", "可执行程序"),
    (b"#!/bin/sh\nrm -rf /\n", "报告.pdf", "可执行程序"),
    (HTML, "照片.jpg", "网页"),
    (HTML, "报告.pdf", "网页"),
    (b"\xef\xbb\xbf  <html><body>hi</body></html>", "a.png", "网页"),
    (SVG, "图标.svg", "SVG"),
    (SVG_WITH_SCRIPT, "图标.svg", "SVG"),
    (SVG, "图标.png", "SVG"),
    (b"just some text, not a document", "说明.docx", "无法识别"),
    (image_bytes("PNG") + b"<html><script>alert(1)</script></html>", "a.png", "结尾附加"),
    (image_bytes("PNG") + b"\x00" * 10, "a.png", "结尾附加"),
    (image_bytes("WEBP") + b"<script>alert(1)</script>", "a.webp", "结尾附加"),
    (image_bytes("JPEG") + b"<script>alert(1)</script>", "a.jpg", "脚本"),
    (image_bytes("GIF", mode="P") + b"<ScRiPt>alert(1)</script>", "a.gif", "脚本"),
    (image_bytes("PNG")[:60], "truncated.png", "损坏"),
    (b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "a.png", "损坏"),
    (b"PK\x03\x04 not really a zip", "a.docx", "损坏"),
    (zip_bytes({"evil.exe": EXE}), "材料.zip", "压缩包"),
    (zip_bytes({"[Content_Types].xml": "<Types/>", "other/x.xml": "<x/>"}), "a.docx", "无法识别"),
    (docx_bytes({"word/vbaProject.bin": b"\x00" * 16}), "宏.docm", "宏"),
    (ole_bytes("WordDocument", "Macros", "_VBA_PROJECT"), "宏.doc", "宏"),
    (ole_bytes("SummaryInformation", "MsiDigitalSignatureEx"), "setup.doc", "安装包"),
])
def test_dangerous_or_unknown_content_is_refused_whatever_its_name(data, name, says):
    assert says in refused(data, name)


def test_an_image_over_the_pixel_limit_is_refused_before_it_is_decoded():
    assert "像素过多" in refused(image_bytes("PNG", size=(9000, 6000), mode="1"), "全景.png")  # 54 megapixels
    assert "像素过多" in refused(image_bytes("PNG", size=(100, 100)), "a.png", max_pixels=5000)
    assert check_upload(upload(image_bytes("PNG", size=(70, 70)), "a.png"), max_pixels=5000).width == 70


def test_pillows_own_bomb_limit_gives_the_same_answer(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # past 2 000 pixels Pillow raises by itself
    assert "像素过多" in refused(image_bytes("PNG", size=(100, 100)), "a.png", max_pixels=10**9)


def test_a_zip_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UNPACKED_BYTES", 10_000)
    assert "压缩内容过大" in refused(docx_bytes({"word/media/big.bin": b"\x00" * 20_000}), "a.docx")


def test_a_docx_that_unpacks_to_450_mb_is_refused():
    # 2 MB on the wire: within the upload limit, yet no real document unpacks to anything like it.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/big.bin", "w", force_zip64=True) as big:
            for _ in range(27):
                big.write(bytes(16 * 1024 * 1024))
    assert len(buffer.getvalue()) < uploads.DEFAULT_MAX_BYTES
    assert "压缩内容过大" in refused(buffer.getvalue(), "a.docx")


def test_size_limits_and_empty_files():
    assert "文件是空的" in refused(b"", "a.pdf")
    assert "超过上限" in refused(PDF, "a.pdf", max_bytes=len(PDF) - 1)
    assert check_upload(upload(PDF, "a.pdf"), max_bytes=len(PDF)).size == len(PDF)


def test_the_default_size_limit_comes_from_settings(settings):
    settings.UPLOAD_MAX_BYTES = 50
    assert "超过上限" in refused(PDF, "a.pdf")


def test_a_kind_the_caller_does_not_allow_is_refused_naming_what_is_allowed():
    message = refused(PDF, "a.pdf", allowed=("image",))
    assert "只接受图片" in message and "PDF" in message
    assert check_upload(upload(PDF, "a.pdf"), allowed=("pdf",)).kind == "pdf"


@pytest.mark.parametrize("name", [
    "../../etc/passwd.png", "..\\..\\boot.png", "子目录/照片.png", "a\\b.png", "照片\x00.php.png",
    "照片\x07.png", "照片\n.png", "photo\u202egnp.exe", "", "..", "   ", "长" * 201 + ".png",
])
def test_unsafe_file_names_are_refused(name):
    # A raw File keeps the name as given (Django's UploadedFile would already strip a path).
    with pytest.raises(ValidationError) as raised:
        check_upload(File(io.BytesIO(image_bytes("PNG")), name=name))
    assert "文件名" in raised.value.messages[0] or "名称" in raised.value.messages[0]


def test_the_name_can_be_given_separately():
    with pytest.raises(ValidationError):
        check_upload(upload(PDF, "a.pdf"), name="../a.pdf")


def files_under(root):
    return sorted(str(path.relative_to(root)) for path in Path(root).rglob("*") if path.is_file())


def test_a_stored_upload_gets_a_generated_name_and_the_exact_bytes(media_root):
    data = image_bytes("PNG")
    checked = check_upload(upload(data, "<script>支部 照片.png"))
    path = store_upload(checked, folder="evidence/photos")
    assert path.startswith("evidence/photos/") and path.endswith(".png")
    assert "支部" not in path and "script" not in path
    assert (Path(media_root) / path).read_bytes() == data
    assert files_under(media_root) == [path]  # no temporary file left behind
    second = store_upload(check_upload(upload(data, "<script>支部 照片.png")), folder="evidence/photos")
    assert second != path  # the same name twice never overwrites


@pytest.mark.parametrize("folder", ["../outside", "/etc", "evidence/../../x", "Evidence", "a//b", ""])
def test_only_plain_relative_folders_are_accepted(folder):
    with pytest.raises(ValueError):
        store_upload(check_upload(upload(PDF, "a.pdf")), folder=folder)


def test_a_full_disk_leaves_no_partial_file_and_says_so_in_chinese(media_root, monkeypatch):
    data = os.urandom(200_000)
    checked = check_upload(upload(PDF + data, "大文件.pdf"))
    writes = []

    def write_then_fill_the_disk(handle, chunk):
        if writes:
            raise OSError(errno.ENOSPC, "No space left on device")
        handle.write(chunk)
        writes.append(len(chunk))

    monkeypatch.setattr(uploads, "_write", write_then_fill_the_disk)
    with pytest.raises(ValidationError) as raised:
        store_upload(checked, folder="evidence")
    assert "磁盘空间不足" in raised.value.messages[0] and writes  # it failed midway, after a first chunk
    assert files_under(media_root) == []
    monkeypatch.undo()
    assert (Path(media_root) / store_upload(checked, folder="evidence")).read_bytes() == PDF + data


def test_other_storage_failures_are_refused_too(media_root, monkeypatch):
    def refuse(handle, chunk):
        raise OSError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(uploads, "_write", refuse)
    with pytest.raises(ValidationError) as raised:
        store_upload(check_upload(upload(PDF, "a.pdf")), folder="evidence")
    assert "保存文件失败" in raised.value.messages[0]
    assert files_under(media_root) == []


@pytest.mark.django_db  # closing a response sends request_finished, whose receivers use the database
def test_an_attachment_downloads_under_its_chinese_name_and_is_never_sniffed(media_root):
    data = image_bytes("PNG")
    checked = check_upload(upload(data, "支部活动照片.png"))
    path = store_upload(checked, folder="evidence")
    response = attachment_response(path, download_name=checked.display_name)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E6%94%AF%E9%83%A8%E6%B4%BB%E5%8A%A8%E7%85%A7%E7%89%87.png" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == data
    response.close()


@pytest.mark.django_db  # closing a response sends request_finished, whose receivers use the database
def test_the_stored_content_type_is_served(media_root):
    path = store_upload(check_upload(upload(PDF, "a.pdf")), folder="evidence")
    response = attachment_response(path, download_name="专报.pdf", content_type="application/pdf")
    assert response["Content-Type"] == "application/pdf"
    response.close()


@pytest.mark.django_db  # closing a response sends request_finished, whose receivers use the database
def test_a_download_name_cannot_smuggle_a_path_or_a_header(media_root):
    path = store_upload(check_upload(upload(PDF, "a.pdf")), folder="evidence")
    response = attachment_response(path, download_name="../../报告\r\nSet-Cookie: x=1.pdf")
    disposition = response["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition and "/" not in disposition.split("''", 1)[-1]
    response.close()
    response = attachment_response(path, download_name="")
    assert "filename=\"附件.pdf\"" in response["Content-Disposition"] or "%E9%99%84%E4%BB%B6.pdf" in response[
        "Content-Disposition"]
    response.close()


@pytest.mark.parametrize("path", ["../../etc/passwd", "/etc/passwd", "evidence/missing.pdf", "evidence"])
def test_a_path_outside_media_or_missing_answers_404(media_root, path):
    (Path(media_root) / "evidence").mkdir(parents=True, exist_ok=True)
    with pytest.raises(Http404):
        attachment_response(path, download_name="a.pdf")

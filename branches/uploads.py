"""Evidence attachments: judge an upload by its content, store it under a generated name, serve it back.

Every app that accepts files goes through here:

    checked = check_upload(form.cleaned_data["file"], allowed=("image", "pdf"))   # ValidationError in Chinese
    path = store_upload(checked, folder="evidence")                                # a name in the storage
    ...keep path, checked.display_name, checked.content_type, checked.size, checked.sha256 on the model...
    return attachment_response(path, download_name=obj.display_name, content_type=obj.content_type)

The user's file name is never used on disk and the extension on disk comes from the detected type,
so a renamed executable or web page can neither be stored as something it is not nor be served so
that a browser runs it.
"""

import errno
import hashlib
import logging
import os
import re
import struct
import tempfile
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

from . import media

logger = logging.getLogger("branches.uploads")

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# About 50 megapixels: any phone photo passes; a decompression bomb does not.
DEFAULT_MAX_PIXELS = 50_000_000
# An OOXML file may not unpack to more than this (a zip bomb is small on the wire). Pictures inside a
# document are stored already compressed and unpack to about their size; its text is XML, which packs
# some tenfold. So a document within the 20 MB upload limit unpacks to a few tens of MB at most, and
# 100 MB leaves room while refusing the 450 MB a hostile 2 MB .docx held (every reader that opens it,
# a reviewer's Word included, would have to inflate that).
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000
CHUNK = 64 * 1024

KIND_LABELS = {"image": "图片（PNG、JPEG、GIF、WebP）", "pdf": "PDF 文件", "office": "Office 文档（Word、Excel、PowerPoint）"}

# detected type -> (kind, extension on disk, content type served)
TYPES = {
    "png": ("image", ".png", "image/png"),
    "jpeg": ("image", ".jpg", "image/jpeg"),
    "gif": ("image", ".gif", "image/gif"),
    "webp": ("image", ".webp", "image/webp"),
    "pdf": ("pdf", ".pdf", "application/pdf"),
    "docx": ("office", ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("office", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": ("office", ".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "doc": ("office", ".doc", "application/msword"),
    "xls": ("office", ".xls", "application/vnd.ms-excel"),
    "ppt": ("office", ".ppt", "application/vnd.ms-powerpoint"),
}
CONTENT_TYPE_BY_EXTENSION = {extension: content_type for _, extension, content_type in TYPES.values()}
PILLOW_FORMATS = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF", "webp": "WEBP"}

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Stream names of the legacy formats, as they sit in an OLE directory (UTF-16LE). An OLE file with
# none of them is something else, e.g. an .msi installer.
OLE_STREAMS = [("doc", "WordDocument"), ("xls", "Workbook"), ("xls", "Book"), ("ppt", "PowerPoint Document")]
OLE_MACROS = ["_VBA_PROJECT", "Macros"]
# Bytes that have no business in an image and make a browser treat it as a page if it ever sniffs.
MARKUP_MARKERS = [b"<script", b"<html", b"<body", b"<iframe", b"<svg", b"<?php", b"javascript:"]
EXECUTABLE_SIGNATURES = [b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"#!"]
FOLDER_PATTERN = re.compile(r"^[a-z0-9_-]+(/[a-z0-9_-]+)*$")


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed `check_upload`: what it really is, and a name safe to show and download."""

    file: object
    display_name: str
    type: str
    kind: str
    extension: str
    content_type: str
    size: int
    sha256: str
    width: int | None = None
    height: int | None = None


def check_upload(file, *, allowed=("image", "pdf", "office"), max_bytes=None, max_pixels=None, name=None):
    """Judge the upload by its bytes; return a CheckedUpload or raise ValidationError (Chinese)."""
    max_bytes = max_bytes or getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)
    max_pixels = max_pixels or getattr(settings, "UPLOAD_MAX_PIXELS", DEFAULT_MAX_PIXELS)
    unknown = set(allowed) - set(KIND_LABELS)
    if unknown:
        raise ValueError(f"unknown kinds {sorted(unknown)}")
    original = _checked_name(name if name is not None else getattr(file, "name", ""))

    size = _size(file)
    if size == 0:
        raise ValidationError("文件是空的，请重新选择文件。", code="empty")
    if size > max_bytes:
        raise ValidationError(
            f"文件大小 {_megabytes(size)} 超过上限 {_megabytes(max_bytes)}，请压缩后再上传。", code="too_large")

    head = _read_at(file, 0, 4096)
    detected = _detect(file, head, size)
    kind, extension, content_type = TYPES[detected]
    if kind not in allowed:
        raise ValidationError(
            f"此处只接受{'、'.join(KIND_LABELS[k] for k in allowed)}；所选文件是{KIND_LABELS[kind]}。", code="kind")

    width = height = None
    if kind == "image":
        width, height = _check_image(file, detected, size, max_pixels)
    digest = _sha256(file)
    file.seek(0)
    return CheckedUpload(
        file=file,
        display_name=_display_name(original, extension),
        type=detected,
        kind=kind,
        extension=extension,
        content_type=content_type,
        size=size,
        sha256=digest,
        width=width,
        height=height,
    )


def _checked_name(name):
    name = str(name or "")
    if not name.strip():
        raise ValidationError("文件没有名称，请重新选择文件。", code="name")
    if "\x00" in name:
        raise ValidationError("文件名含有空字符（NUL），请重命名后再上传。", code="name")
    if "/" in name or "\\" in name:
        raise ValidationError("文件名不能包含路径（“/”“\\”或“../”），请重命名后再上传。", code="name")
    if name.strip(". ") == "":
        raise ValidationError("文件名无效，请重命名后再上传。", code="name")
    # Cc: control characters; Cf: invisible format characters such as U+202E, which shows
    # "photo\u202egpj.exe" as "photoexe.jpg".
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name):
        raise ValidationError("文件名含有控制字符或不可见字符，请重命名后再上传。", code="name")
    if len(name) > 200:
        raise ValidationError("文件名过长（最多 200 个字符），请重命名后再上传。", code="name")
    return name


def _display_name(original, extension):
    """The user's name, with the extension of what the file really is (a PNG named .pdf downloads as .png)."""
    stem, dot, ext = original.rpartition(".")
    if not dot or not stem:
        stem, ext = original, ""
    if f".{ext.lower()}" in ({".jpg", ".jpeg"} if extension == ".jpg" else {extension}):
        return original
    return f"{stem}{extension}"


def _megabytes(size):
    if size < 1024 * 1024:
        return f"{max(size, 1) / 1024:.0f} KB" if size >= 1024 else f"{size} 字节"
    return f"{size / (1024 * 1024):.1f} MB"


def _size(file):
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, os.SEEK_END)
        size = file.tell()
    return size


def _read_at(file, offset, length):
    file.seek(offset)
    data = file.read(length)
    file.seek(0)
    return data


def _chunks(file):
    file.seek(0)
    while True:
        chunk = file.read(CHUNK)
        if not chunk:
            break
        yield chunk


def _sha256(file):
    digest = hashlib.sha256()
    for chunk in _chunks(file):
        digest.update(chunk)
    return digest.hexdigest()


def _contains(file, markers):
    """Whether any marker occurs anywhere, case-insensitively, reading the file in chunks."""
    overlap = max(len(marker) for marker in markers) - 1
    tail = b""
    for chunk in _chunks(file):
        window = (tail + chunk).lower()
        if any(marker in window for marker in markers):
            return True
        tail = window[-overlap:]
    return False


def _detect(file, head, size):
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _detect_ooxml(file)
    if head.startswith(OLE_SIGNATURE):
        return _detect_ole(file)
    _refuse_unknown(head)


def _refuse_unknown(head):
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<svg" in head.lower() or (text.startswith(b"<?xml") and b"svg" in head.lower()):
        raise ValidationError("不接受 SVG 图片（其中可以嵌入脚本），请另存为 PNG 或 JPEG 后上传。", code="svg")
    if text.startswith((b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<?xml", b"<")):
        raise ValidationError("文件内容是网页或脚本（HTML/XML），不是图片或文档，不能上传。", code="markup")
    if head.startswith(tuple(EXECUTABLE_SIGNATURES)):
        raise ValidationError("文件内容是可执行程序或脚本，不能上传。", code="executable")
    raise ValidationError(
        "无法识别的文件类型：只接受图片（PNG、JPEG、GIF、WebP）、PDF 和 Office 文档（Word、Excel、PowerPoint）。"
        "文件扩展名与实际内容不符时也会被拒绝。", code="unknown")


def _detect_ooxml(file):
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES or sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
                raise ValidationError("压缩内容过大，不像正常的 Office 文档，不能上传。", code="zip_bomb")
            names = {entry.filename for entry in entries}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ValidationError("文件已损坏，无法作为 Office 文档打开。", code="corrupt") from None
    finally:
        file.seek(0)
    if "[Content_Types].xml" not in names:
        raise ValidationError("压缩包（.zip）不能上传；只接受 Word、Excel、PowerPoint 文档。", code="zip")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise ValidationError("含宏的 Office 文档不能上传，请另存为不含宏的 .docx/.xlsx/.pptx 后上传。", code="macro")
    for prefix, detected in [("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")]:
        if any(name.startswith(prefix) for name in names):
            return detected
    raise ValidationError("无法识别的 Office 文档：只接受 Word、Excel、PowerPoint 文档。", code="unknown")


def _detect_ole(file):
    streams = [(detected, name.encode("utf-16-le")) for detected, name in OLE_STREAMS]
    found = [detected for detected, marker in streams if _contains_exact(file, marker)]
    if any(_contains_exact(file, name.encode("utf-16-le")) for name in OLE_MACROS):
        raise ValidationError("含宏的 Office 文档不能上传，请另存为不含宏的文档后上传。", code="macro")
    if not found:
        raise ValidationError("无法识别的旧版 Office 文件（可能是安装包等其他程序），不能上传。", code="unknown")
    return found[0]


def _contains_exact(file, marker):
    tail = b""
    for chunk in _chunks(file):
        window = tail + chunk
        if marker in window:
            return True
        tail = window[-(len(marker) - 1):]
    return False


def _check_image(file, detected, size, max_pixels):
    from PIL import Image, UnidentifiedImageError

    too_many_pixels = ValidationError(
        f"图片像素过多（上限约 {max_pixels // 1_000_000} 百万像素），请缩小尺寸后再上传。", code="pixels")
    # Image.open reads only the header, so the pixel count is judged before anything is decoded;
    # past twice its own limit Pillow refuses by itself (DecompressionBombError), with the same answer.
    try:
        file.seek(0)
        with Image.open(file) as image:
            if image.format != PILLOW_FORMATS[detected]:
                raise ValidationError("图片内容与其格式标记不符，可能已损坏。", code="corrupt")
            width, height = image.size
            frames = getattr(image, "n_frames", 1)
            if width * height * frames > max_pixels:
                raise too_many_pixels
            image.verify()
    except Image.DecompressionBombError:
        raise too_many_pixels from None
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, struct.error):
        raise ValidationError("图片已损坏或不完整，无法打开。", code="corrupt") from None
    finally:
        file.seek(0)
    if detected == "png" and _png_end(file) != size:
        raise ValidationError("图片结尾附加了其他数据（可能藏有网页或程序），不能上传。", code="trailing")
    if detected == "webp" and _webp_end(file) < size:
        raise ValidationError("图片结尾附加了其他数据（可能藏有网页或程序），不能上传。", code="trailing")
    if _contains(file, MARKUP_MARKERS):
        raise ValidationError("图片中夹带了网页或脚本代码，不能上传。", code="markup")
    return width, height


def _png_end(file):
    """Offset just past the IEND chunk: where a PNG ends, whatever follows."""
    file.seek(8)
    try:
        while True:
            header = file.read(8)
            if len(header) < 8:
                return -1
            length = int.from_bytes(header[:4], "big")
            file.seek(length + 4, os.SEEK_CUR)  # data and CRC
            if header[4:8] == b"IEND":
                return file.tell()
    finally:
        file.seek(0)


def _webp_end(file):
    header = _read_at(file, 0, 8)
    length = int.from_bytes(header[4:8], "little")
    return 8 + length + (length & 1)


def store_upload(checked, *, folder):
    """Store the checked upload under folder/ with a generated name; return that name (relative path).

    The file appears whole or not at all: in the directory it is written to a temporary file beside it and
    renamed into place (on a full disk the temporary file is removed and the user is told in Chinese); in
    an object store (branches/media.py) one PUT is whole or nothing, and a failed one is told the same way.
    """
    if not FOLDER_PATTERN.match(folder) or ".." in PurePosixPath(folder).parts:
        raise ValueError(f"folder must be a relative path of [a-z0-9_-] segments, not {folder!r}")
    relative = PurePosixPath(folder) / f"{uuid.uuid4().hex}{checked.extension}"
    if not media.in_directory():
        return _store_in_bucket(checked, str(relative))
    root = Path(settings.MEDIA_ROOT)
    target = root / relative
    temporary = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-", suffix=".part")
        with os.fdopen(descriptor, "wb") as handle:
            for chunk in _chunks(checked.file):
                _write(handle, chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, settings.FILE_UPLOAD_PERMISSIONS or 0o644)
        os.replace(temporary, target)
        temporary = None
    except OSError as error:
        logger.error("storing an upload in %s failed: %s", target.parent, error)
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise ValidationError("服务器磁盘空间不足，文件没有保存。请稍后重试，或联系党委组织部（系统管理员）。",
                                  code="disk_full") from error
        raise ValidationError("服务器保存文件失败，文件没有保存。请稍后重试，或联系党委组织部（系统管理员）。",
                              code="store_failed") from error
    finally:
        if temporary is not None:
            try:
                os.unlink(temporary)
            except FileNotFoundError:
                pass
        checked.file.seek(0)
    return str(relative)


def _store_in_bucket(checked, name):
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        checked.file.seek(0)
        media.put(name, checked.file)
    except (BotoCoreError, ClientError, OSError) as error:
        logger.error("storing an upload as %s failed: %s", name, error)
        raise ValidationError("服务器保存文件失败，文件没有保存。请稍后重试，或联系党委组织部（系统管理员）。",
                              code="store_failed") from error
    finally:
        checked.file.seek(0)
    return name


def _write(handle, chunk):
    # The one place bytes reach the disk: the tests make it fail as a full disk would.
    handle.write(chunk)


def attachment_response(path, *, download_name, content_type=None):
    """Serve a stored file as a download only, under its Chinese name, never as a page."""
    if not media.in_directory():
        suffix = PurePosixPath(str(path)).suffix.lower()
        if not media.exists(path):
            logger.error("attachment %r is missing from the bucket", path)
            raise Http404("文件不存在或已被删除")
        content_type = content_type or CONTENT_TYPE_BY_EXTENSION.get(suffix, "application/octet-stream")
        return media.redirect(path, content_type=content_type,
                              download_name=_safe_download_name(download_name, PurePosixPath(str(path))))
    root = Path(settings.MEDIA_ROOT).resolve()
    full = (root / str(path)).resolve()
    if root not in full.parents or not full.is_file():
        logger.error("attachment %r is missing or outside MEDIA_ROOT", path)
        raise Http404("文件不存在或已被删除")
    content_type = content_type or CONTENT_TYPE_BY_EXTENSION.get(full.suffix.lower(), "application/octet-stream")
    response = file_response(full, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, _safe_download_name(download_name, full))
    response["X-Content-Type-Options"] = "nosniff"
    return response


def inline_pdf_response(path, *, download_name):
    """Serve a stored PDF to open in the browser's own viewer (Content-Disposition: inline), or 404 when the
    stored bytes are not a PDF. The upload check judged it by its content; its signature is read again here,
    and nosniff stays, so no other file is ever shown inline as a PDF."""
    pdf_type = TYPES["pdf"][2]
    if not media.in_directory():
        if PurePosixPath(str(path)).suffix.lower() != ".pdf" or not media.exists(path):
            raise Http404("文件不存在或已被删除")
        if not media.head(path, 5).startswith(b"%PDF-"):
            logger.error("attachment %r is not the PDF it was recorded as", path)
            raise Http404("文件不存在或已被删除")
        return media.redirect(path, content_type=pdf_type, inline=True,
                              download_name=_safe_download_name(download_name, PurePosixPath(str(path))))
    root = Path(settings.MEDIA_ROOT).resolve()
    full = (root / str(path)).resolve()
    if root not in full.parents or not full.is_file() or full.suffix.lower() != ".pdf":
        logger.error("attachment %r is missing, outside MEDIA_ROOT or not stored as a PDF", path)
        raise Http404("文件不存在或已被删除")
    with open(full, "rb") as handle:
        if not handle.read(5).startswith(b"%PDF-"):
            logger.error("attachment %r is not the PDF it was recorded as", path)
            raise Http404("文件不存在或已被删除")
    response = file_response(full, content_type=pdf_type)
    response["Content-Disposition"] = content_disposition_header(False, _safe_download_name(download_name, full))
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Content types a browser may show inline: raster images that check_upload opened and verified with Pillow.
# Never SVG, HTML or PDF: those can carry script or open as a page.
INLINE_IMAGE_TYPES = {content_type: detected for detected, (kind, _, content_type) in TYPES.items() if kind == "image"}


def inline_image_response(path, *, content_type, name=""):
    """Serve a stored raster image for display (an <img>), or 404 when the stored bytes are not one.

    The record's content type came from the upload check; the stored bytes are judged again by their
    signature and Pillow's reading of the header, so a row whose file is anything else is never shown.
    """
    detected = INLINE_IMAGE_TYPES.get(content_type)
    if not media.in_directory():
        return _inline_image_from_bucket(path, detected)
    root = Path(settings.MEDIA_ROOT).resolve()
    full = (root / str(path)).resolve()
    if detected is None or root not in full.parents or not full.is_file() or full.suffix.lower() != TYPES[detected][1]:
        raise Http404("该文件不是可以预览的图片")
    from PIL import Image, UnidentifiedImageError

    handle = open(full, "rb")
    try:
        size = full.stat().st_size
        head = _read_at(handle, 0, 4096)
        if _detect(handle, head, size) != detected:
            raise ValidationError("not the recorded image type")
        handle.seek(0)
        with Image.open(handle) as image:
            if image.format != PILLOW_FORMATS[detected]:
                raise ValidationError("not the recorded image type")
    except (ValidationError, UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, struct.error):
        handle.close()
        logger.error("attachment %r is not the %s it was recorded as", path, detected)
        raise Http404("该文件不是可以预览的图片") from None
    handle.close()
    response = file_response(full, content_type=TYPES[detected][2])
    response["Content-Disposition"] = content_disposition_header(False, _safe_download_name(name, full))
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _inline_image_from_bucket(path, detected):
    # Only the signature is judged again here: the whole picture would have to be fetched for Pillow, and
    # the presigned URL is on the store's origin with the recorded type, so a wrong file cannot act as a page.
    if detected is None or PurePosixPath(str(path)).suffix.lower() != TYPES[detected][1]:
        raise Http404("该文件不是可以预览的图片")
    try:
        head = media.head(path, 4096)
        # A zip or OLE document is told apart by reading its whole body, which is never needed here.
        found = None if head.startswith((b"PK\x03\x04", OLE_SIGNATURE)) else _detect(None, head, len(head))
    except ValidationError:
        found = None
    except Exception as error:  # noqa: BLE001 -- a missing object or an unreachable store: the image is not shown
        logger.error("attachment %r could not be read from the bucket: %s", path, error)
        raise Http404("该文件不是可以预览的图片") from None
    if found != detected:
        logger.error("attachment %r is not the %s it was recorded as", path, detected)
        raise Http404("该文件不是可以预览的图片")
    return media.redirect(path, content_type=TYPES[detected][2])


def file_response(full, *, content_type):
    """A checked file's response. Where the web server serves files (FILES_SERVED_BY_WEB_SERVER, nginx in
    production) Django answers with an X-Accel-Redirect to the internal location and nginx sends the
    bytes, ranges included, so a large file never ties up a Python worker; nginx keeps the headers set
    here (type, disposition, nosniff). Otherwise Django streams the file itself."""
    if not settings.FILES_SERVED_BY_WEB_SERVER:
        return FileResponse(open(full, "rb"), content_type=content_type)
    relative = full.relative_to(Path(settings.MEDIA_ROOT).resolve()).as_posix()
    response = HttpResponse(content_type=content_type)
    response["X-Accel-Redirect"] = settings.PROTECTED_MEDIA_URL.rstrip("/") + "/" + quote(relative)
    return response


def _safe_download_name(name, full):
    name = "".join(ch for ch in str(name or "") if unicodedata.category(ch) not in ("Cc", "Cf"))
    name = name.replace("/", "_").replace("\\", "_").strip(" .")
    return name[:200] or f"附件{full.suffix}"

"""The 示范建设微视频: one per project, an uploaded H.264 MP4 (checked by its content) or an external link.

The file check reads the ISO-BMFF boxes themselves: a `ftyp` box with an MP4 brand first, and inside
`moov` a sample description (`stsd`) whose entry is `avc1` or `avc3` (H.264). A renamed picture, a text
file or an HEVC/AV1 MP4 is refused with a Chinese message before anything is stored. Storage is
branches.uploads.store_upload, under a generated name.
"""

import os
import re
from urllib.parse import quote
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpResponse, StreamingHttpResponse

from cultivation.reports.enums import PublicationState

DEFAULT_MAX_BYTES = 500 * 1024 * 1024
MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash", b"3gp4",
              b"3gp5", b"qt  "}
H264_ENTRIES = {b"avc1", b"avc3"}
# Boxes whose payload is only other boxes, on the way from moov down to stsd.
CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl"}
MAX_MOOV_BYTES = 64 * 1024 * 1024
CHUNK = 64 * 1024
NOT_VIDEO = "所选文件不是 MP4 视频（按文件内容判断，与扩展名无关），请上传 H.264 编码的 MP4 文件。"
NOT_H264 = "视频编码不是 H.264（AVC），浏览器可能无法播放；请转码为 H.264 编码的 MP4 后再上传。"


class MicroVideo(models.Model):
    """A project's micro-video: the stored MP4 and its poster, or an https link to a video elsewhere."""

    project = models.OneToOneField("cultivation.Project", verbose_name="培育项目", on_delete=models.CASCADE,
                                   related_name="micro_video")
    title = models.CharField("视频标题", max_length=150)
    path = models.CharField("存储路径", max_length=300, blank=True, editable=False)
    display_name = models.CharField("文件名", max_length=200, blank=True)
    size = models.PositiveBigIntegerField("大小（字节）", default=0)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    poster_path = models.CharField("封面存储路径", max_length=300, blank=True, editable=False)
    poster_content_type = models.CharField("封面类型", max_length=40, blank=True)
    external_url = models.URLField("外部视频链接", max_length=500, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT,
                                   related_name="+", null=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # Public (the showcase, its own page) only after the 二级党组织 and the 组织部 agreed, moved by
    # dissemination.video_publication. db_default: a video uploaded before the review, or by the older code
    # while the migration runs, is private.
    state = models.CharField("公开状态", max_length=12, choices=PublicationState.choices,
                             default=PublicationState.PRIVATE, db_default=PublicationState.PRIVATE, editable=False)
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    class Meta:
        app_label = "dissemination"
        verbose_name = "示范建设微视频"
        verbose_name_plural = "示范建设微视频"

    def __str__(self):
        return self.title

    @property
    def is_file(self):
        return bool(self.path)


@dataclass(frozen=True)
class CheckedVideo:
    file: object
    size: int
    codec: str
    extension: str = ".mp4"
    content_type: str = "video/mp4"


def max_bytes():
    return getattr(settings, "MICRO_VIDEO_MAX_BYTES", DEFAULT_MAX_BYTES)


def _boxes(read, start, end):
    """(type, payload start, box end) of each box between start and end; ValidationError when malformed."""
    offset = start
    while offset + 8 <= end:
        header = read(offset, 16)
        if len(header) < 8:
            raise ValidationError(NOT_VIDEO, code="not_video")
        size = int.from_bytes(header[:4], "big")
        kind = header[4:8]
        payload = offset + 8
        if size == 1:
            if len(header) < 16:
                raise ValidationError(NOT_VIDEO, code="not_video")
            size = int.from_bytes(header[8:16], "big")
            payload = offset + 16
        elif size == 0:
            size = end - offset
        if size < payload - offset or offset + size > end:
            raise ValidationError(NOT_VIDEO, code="not_video")
        yield kind, payload, offset + size
        offset += size


def _sample_entries(read, start, end, depth=0):
    for kind, payload, box_end in _boxes(read, start, end):
        if kind in CONTAINERS and depth < 8:
            yield from _sample_entries(read, payload, box_end, depth + 1)
        elif kind == b"stsd":
            # full box (4 bytes version/flags) + entry count, then the entries as boxes
            for entry, _, _ in _boxes(read, payload + 8, box_end):
                yield entry


def check_video(file):
    """Judge an upload by its boxes; return a CheckedVideo or raise ValidationError (Chinese)."""
    file.seek(0, os.SEEK_END)
    size = file.tell()
    file.seek(0)
    if size == 0:
        raise ValidationError("文件是空的，请重新选择文件。", code="empty")
    limit = max_bytes()
    if size > limit:
        raise ValidationError(f"视频大小 {size / 1048576:.1f} MB 超过上限 {limit / 1048576:.1f} MB，请压缩后再上传。",
                              code="too_large")

    def read(offset, length):
        file.seek(offset)
        return file.read(length)

    head = read(0, 12)
    if len(head) < 12 or head[4:8] != b"ftyp":
        raise ValidationError(NOT_VIDEO, code="not_video")
    try:
        top = list(_boxes(read, 0, size))
        ftyp = next(box for box in top if box[0] == b"ftyp")
        brands = read(ftyp[1], ftyp[2] - ftyp[1])
        if not ({brands[i:i + 4] for i in range(0, len(brands), 4) if i != 4} & MP4_BRANDS):
            raise ValidationError(NOT_VIDEO, code="not_video")
        moov = next((box for box in top if box[0] == b"moov"), None)
        if moov is None or moov[2] - moov[1] > MAX_MOOV_BYTES:
            raise ValidationError("视频文件不完整（缺少 moov 信息），请重新导出后再上传。", code="no_moov")
        entries = set(_sample_entries(read, moov[1], moov[2]))
    finally:
        file.seek(0)
    if not entries & H264_ENTRIES:
        raise ValidationError(NOT_H264, code="not_h264")
    return CheckedVideo(file=file, size=size, codec=sorted(entries & H264_ENTRIES)[0].decode())


# ---- playback --------------------------------------------------------------------------------

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _stream(full, start, length):
    with open(full, "rb") as handle:
        handle.seek(start)
        while length > 0:
            chunk = handle.read(min(CHUNK, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk


def _byte_range(header, size):
    """(start, end) inclusive for a single Range header, None for none, or "bad" for an unsatisfiable one.

    A range in another unit, or several ranges at once, is ignored and the whole file sent (RFC 9110 lets a
    server do so): a player asks one range at a time, and 416 would have refused what nginx answers."""
    header = (header or "").strip()
    if not header.startswith("bytes=") or "," in header:
        return None
    match = RANGE.match(header.strip())
    if not match or match.group(1) == match.group(2) == "":
        return "bad"
    first, last = match.groups()
    if first == "":
        suffix = int(last)
        if suffix == 0:
            return "bad"
        return max(size - suffix, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return "bad"
    return start, end


def serve_video(request, video):
    """The stored MP4 with HTTP Range support (seeking), streamed in chunks; or, when
    VIDEO_SERVED_BY_WEB_SERVER is on, an X-Accel-Redirect to PROTECTED_MEDIA_URL<path> for nginx to serve; or,
    from an S3 bucket, a redirect to a presigned URL (the store answers Range requests itself)."""
    from branches import media

    if not media.in_directory():
        if not video.path or not media.exists(video.path):
            raise Http404("视频不存在或已被删除")
        return media.redirect(video.path, content_type="video/mp4")
    root = Path(settings.MEDIA_ROOT).resolve()
    full = (root / str(video.path)).resolve() if video.path else None
    if full is None or root not in full.parents or not full.is_file():
        raise Http404("视频不存在或已被删除")
    if getattr(settings, "VIDEO_SERVED_BY_WEB_SERVER", False):
        response = HttpResponse(content_type="video/mp4")
        response["X-Accel-Redirect"] = settings.PROTECTED_MEDIA_URL.rstrip("/") + "/" + quote(Path(video.path).as_posix())
        response["X-Content-Type-Options"] = "nosniff"
        return response
    size = full.stat().st_size
    wanted = _byte_range(request.headers.get("Range", ""), size)
    if wanted == "bad":
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    start, end = wanted or (0, size - 1)
    response = StreamingHttpResponse(_stream(full, start, end - start + 1), content_type="video/mp4",
                                     status=206 if wanted else 200)
    if wanted:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---- writing ---------------------------------------------------------------------------------

EVENT_LABELS = {"video.uploaded": "上传示范建设微视频", "video.replaced": "更换示范建设微视频",
                "video.linked": "设置示范建设微视频外部链接"}
VIDEO_FOLDER = "videos"


def video_upload(*, project, actor, file, title, poster=None):
    """Check and store the branch's MP4 (and poster image), one per project; replacing logs an event, and a
    video that was public or under review goes back to 不公开 (new content needs its own approval).

    Only the project's secretary, once the project is a cultivation target; a refused file leaves nothing.
    """
    from django.db import transaction

    from branches.audit import log_event
    from branches.uploads import check_upload, store_upload

    _may_upload(actor, project)
    checked = check_video(file)
    poster_checked = check_upload(poster, allowed=("image",)) if poster is not None else None
    path = _store(checked)
    poster_path = store_upload(poster_checked, folder=VIDEO_FOLDER) if poster_checked else ""
    from .video_publication import withdraw_for_replacement

    with transaction.atomic():
        video = MicroVideo.objects.select_for_update().filter(project=project).first()
        replaced = video is not None
        video = withdraw_for_replacement(video, actor=actor) if replaced else MicroVideo(project=project)
        video.title, video.path, video.size = title, path, checked.size
        video.display_name = getattr(file, "name", "") or "微视频.mp4"
        video.external_url = ""
        video.poster_path = poster_path
        video.poster_content_type = poster_checked.content_type if poster_checked else ""
        video.updated_by = actor
        video.save()
        log_event(actor=actor, action="video.replaced" if replaced else "video.uploaded", target=video,
                  data={"项目": str(project), "标题": title, "大小": checked.size})
    return video


def _may_upload(actor, project):
    from cultivation.enums import CULTIVATED_STATES, Actor
    from cultivation.workflow import actor_roles
    from transitions.refusals import MoveRefused, NotAllowed

    if Actor.SECRETARY not in actor_roles(actor, project):
        raise NotAllowed("只有本支部书记可以上传示范建设微视频")
    if project.state not in CULTIVATED_STATES:
        raise MoveRefused("该项目尚未确定为培育对象，还不能上传示范建设微视频")


def video_link(*, project, actor, url, title):
    """Point the project's micro-video at an https page elsewhere (学习强国, 视频号…) instead of a stored file.

    The stored file, if any, stays on disk (files are never deleted in place) but is no longer shown.
    """
    from urllib.parse import urlsplit

    from django.core.validators import URLValidator
    from django.db import transaction

    from branches.audit import log_event
    from transitions.refusals import MoveRefused

    _may_upload(actor, project)
    url, title = (url or "").strip(), (title or "").strip()
    if not title:
        raise MoveRefused("请填写视频标题")
    try:
        URLValidator(schemes=["https"])(url)
    except ValidationError:
        raise MoveRefused("外部视频链接须是以 https:// 开头的完整网址") from None
    if len(url) > 500 or urlsplit(url).scheme != "https":
        raise MoveRefused("外部视频链接须是以 https:// 开头、不超过500个字符的网址")
    from .video_publication import withdraw_for_replacement

    with transaction.atomic():
        video = MicroVideo.objects.select_for_update().filter(project=project).first()
        video = withdraw_for_replacement(video, actor=actor) if video else MicroVideo(project=project)
        video.title, video.external_url, video.updated_by = title, url, actor
        video.path, video.display_name, video.size, video.sha256 = "", "", 0, ""
        video.poster_path = video.poster_content_type = ""
        video.save()
        log_event(actor=actor, action="video.linked", target=video, data={"项目": str(project), "标题": title,
                                                                         "链接": url})
    return video


def _store(checked):
    from branches.uploads import CheckedUpload, _sha256, store_upload

    upload = CheckedUpload(file=checked.file, display_name="video.mp4", type="mp4", kind="video",
                           extension=".mp4", content_type="video/mp4", size=checked.size, sha256=_sha256(checked.file))
    checked.file.seek(0)
    return store_upload(upload, folder=VIDEO_FOLDER)

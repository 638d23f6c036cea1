"""Exports of many rows, made by the worker (django-tasks; see notifications/tasks.py).

An export view that would write more than EXPORT_INLINE_MAX_ROWS rows queues `build_export` with the
user and the export's own address (path and query string) instead of writing the file in the request
(branches.exports.queued_instead). The worker calls the same view for that user in inline mode, so the
file holds exactly what the list would have exported, with the access rules checked again: the queue may
be hours old and the user may have lost a role since. The workbook is stored under exports/<user>/ and
the user is told (EXPORT_READY in config/settings.py: the inbox) with a link that only they can open
(branches.views.export_file).
"""

import io
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django_tasks import task

EXPORT_FOLDER = "exports"


def folder_of(user_id):
    return f"{EXPORT_FOLDER}/{int(user_id)}"


@task()
def build_export(user_id, address):
    """Make the export at `address` (path?query) as the user, store it and notify them; the stored name
    (no extension), or None when the user may no longer have it (or the address is no export)."""
    from .exports import XLSX
    from .registry import declared
    from .uploads import CheckedUpload, _sha256, store_upload

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    response = _export_as(user, address)
    if response is None:
        return None
    content = io.BytesIO(b"".join(response.streaming_content))
    response.close()
    upload = CheckedUpload(file=content, display_name=response.filename, type="xlsx", kind="office",
                           extension=".xlsx", content_type=XLSX, size=len(content.getvalue()), sha256=_sha256(content))
    name = store_upload(upload, folder=folder_of(user.pk)).rsplit("/", 1)[-1].removesuffix(".xlsx")
    url = reverse("branches:export_file", args=[name]) + "?name=" + quote(response.filename)
    for tell in declared("EXPORT_READY"):  # the inbox (notifications sits above branches, so it is declared)
        tell([user], title=f"导出文件“{response.filename}”已生成", body="点击下载 Excel 文件。", url=url)
    return name


def _export_as(user, address):
    """The view's own inline answer for this user, or None when it refuses (404/403) or is no file."""
    try:
        match = resolve(urlsplit(address).path)
    except Resolver404:
        return None
    request = RequestFactory(HTTP_HOST=urlsplit(settings.SITE_URL).netloc or "localhost").get(address)
    request.user = user
    request.export_inline = True  # branches.exports.queued_instead: make it now, whatever its size
    try:
        with translation.override(settings.LANGUAGE_CODE):
            response = match.func(request, *match.args, **match.kwargs)
    except (Http404, PermissionDenied):
        return None
    if response.status_code != 200 or not getattr(response, "filename", None):
        return None
    return response

"""Where uploaded files live: the shared directory (MEDIA_ROOT) or an S3-compatible bucket (MEDIA_S3_BUCKET).

Every read and write of a stored file goes through Django's default storage and these few helpers, so the
same code runs on one machine, on several sharing a directory, and on several sharing a bucket. Names are
the relative names store_upload generated ("evidence/<uuid4>.png"); a name that climbs out (`..`) or is
absolute is refused before the storage sees it.

What differs between the two is how an authorised download leaves: from the directory Django streams it or
hands it to nginx (branches.uploads.file_response); from a bucket Django answers with a redirect to a
presigned URL that lives a few minutes (MEDIA_S3_URL_SECONDS), naming the type and the download name, so
the bytes never pass through a Python worker and the bucket itself stays private.
"""

import logging
import os
import tempfile
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import HttpResponseRedirect

logger = logging.getLogger("branches.uploads")


def in_directory():
    """Whether files live in MEDIA_ROOT (a local or shared directory) rather than in an object store."""
    return isinstance(default_storage, FileSystemStorage)


def checked_name(name):
    """The stored name as a relative posix path, or None for one that is empty, absolute or climbs out."""
    name = str(name or "")
    parts = PurePosixPath(name).parts
    if not name or name.startswith("/") or "\\" in name or "\x00" in name or ".." in parts or "." in parts:
        return None
    return name


def exists(name):
    name = checked_name(name)
    return bool(name) and default_storage.exists(name)


def open_file(name):
    """The stored file opened for reading (binary)."""
    name = checked_name(name)
    if name is None:
        raise FileNotFoundError(name)
    return default_storage.open(name, "rb")


def head(name, length):
    """The first `length` bytes of a stored file, without fetching the rest from an object store."""
    name = checked_name(name)
    if not in_directory():
        key = default_storage._normalize_name(name)
        return default_storage.bucket.Object(key).get(Range=f"bytes=0-{length - 1}")["Body"].read()
    with default_storage.open(name, "rb") as handle:
        return handle.read(length)


def put(name, content):
    """Write bytes (or a file) under exactly this name, replacing what was there; the name.

    In the directory the file is written aside and renamed into place, so a reader never sees half a file
    and two workers writing the same name never clash; an object store's PUT is whole or nothing already.
    """
    name = checked_name(name)
    if name is None:
        raise ValueError("not a stored file's name")
    if not in_directory():
        default_storage.save(name, ContentFile(content) if isinstance(content, bytes) else File(content))
        return name
    target = Path(default_storage.path(name))
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content if isinstance(content, bytes) else content.read())
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return name


def delete(name):
    name = checked_name(name)
    if name:
        default_storage.delete(name)  # a missing file is no error, in either storage


def redirect(name, *, content_type, download_name=None, inline=False):
    """The answer to an authorised request for an object in the bucket: a redirect to a presigned URL.

    The URL itself makes the store answer with the recorded type and, for a download, with the Chinese name
    as an attachment; it is on the store's own origin, so nothing in it can run as this site's page.
    """
    parameters = {"ResponseContentType": content_type}
    if download_name:
        how = "inline" if inline else "attachment"  # inline: a PDF opens in the browser's own viewer
        parameters["ResponseContentDisposition"] = f"{how}; filename*=UTF-8''{quote(download_name)}"
    return HttpResponseRedirect(default_storage.url(checked_name(name), parameters=parameters))

"""Small copies of uploaded pictures for the pages that show many at once (the showcase's cards).

A phone on campus Wi-Fi opening the showcase would otherwise fetch every branch's full-size photo. The
copy is a JPEG at most THUMBNAIL_SIZE pixels on its longer side, named after the original's SHA-256
(same picture, same copy; nothing to record in the database), made by a background task after the
upload commits (cultivation.reports.tasks). Until it exists, pages fall back to the original.
"""

import logging
import os
import tempfile
from pathlib import Path

from django.conf import settings

from branches.uploads import INLINE_IMAGE_TYPES

FOLDER = "thumbnails"
THUMBNAIL_SIZE = 640
logger = logging.getLogger(__name__)


def relative_path(attachment):
    return f"{FOLDER}/{attachment.sha256}.jpg"


def thumbnail_path(attachment):
    """The stored copy's path under MEDIA_ROOT, or None while there is none."""
    if attachment.content_type not in INLINE_IMAGE_TYPES or not attachment.sha256:
        return None
    relative = relative_path(attachment)
    return relative if (Path(settings.MEDIA_ROOT) / relative).is_file() else None


def make_thumbnail(attachment):
    """Write the copy (idempotent); the relative path, or None for a file that is not a picture."""
    from PIL import Image

    if attachment.content_type not in INLINE_IMAGE_TYPES or not attachment.sha256:
        return None
    root = Path(settings.MEDIA_ROOT).resolve()
    source = (root / attachment.path).resolve()
    target = root / relative_path(attachment)
    if root not in source.parents or not source.is_file():
        return None
    if target.is_file():
        return relative_path(attachment)
    try:
        return _write(source, target, attachment)
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        # The original stays shown; a picture Pillow cannot shrink is not worth failing anything for.
        logger.warning("no thumbnail for attachment %s: %s", attachment.pk, error)
        return None


def _write(source, target, attachment):
    from PIL import Image, ImageOps

    with Image.open(source) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        if image.mode not in ("RGB", "L"):
            background = Image.new("RGB", image.size, "white")
            background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
            image = background
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed, so a reader never sees half a file and two workers never clash.
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out:
                image.save(out, "JPEG", quality=82, optimize=True)
            os.replace(temporary, target)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
    return relative_path(attachment)

"""Small copies of uploaded pictures for the pages that show many at once (the showcase's cards).

A phone on campus Wi-Fi opening the showcase would otherwise fetch every branch's full-size photo. The
copy is a JPEG at most THUMBNAIL_SIZE pixels on its longer side, named after the original's SHA-256
(same picture, same copy; nothing to record in the database), made by a background task after the
upload commits (cultivation.reports.tasks). Until it exists, pages fall back to the original.
"""

import io
import logging

from django.core.cache import cache

from branches import media
from branches.uploads import INLINE_IMAGE_TYPES

FOLDER = "thumbnails"
THUMBNAIL_SIZE = 640
logger = logging.getLogger(__name__)


def relative_path(attachment):
    return f"{FOLDER}/{attachment.sha256}.jpg"


def thumbnail_path(attachment):
    """The stored copy's name, or None while there is none."""
    if attachment.content_type not in INLINE_IMAGE_TYPES or not attachment.sha256:
        return None
    relative = relative_path(attachment)
    if media.in_directory():
        return relative if media.exists(relative) else None
    # In a bucket each existence check is a request: a page of cards would make one per card. A copy, once
    # made, stays (same picture, same name), so its existence is remembered in the shared cache.
    key = f"thumbnail-exists:{attachment.sha256}"
    if cache.get(key):
        return relative
    if media.exists(relative):
        cache.set(key, True, timeout=None)
        return relative
    return None


def make_thumbnail(attachment):
    """Write the copy (idempotent); the stored name, or None for a file that is not a picture."""
    from PIL import Image

    if attachment.content_type not in INLINE_IMAGE_TYPES or not attachment.sha256:
        return None
    if not media.exists(attachment.path):
        return None
    target = relative_path(attachment)
    if media.exists(target):
        return target
    try:
        return media.put(target, _shrunk(attachment))
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        # The original stays shown; a picture Pillow cannot shrink is not worth failing anything for.
        logger.warning("no thumbnail for attachment %s: %s", attachment.pk, error)
        return None


def _shrunk(attachment):
    """The copy's JPEG bytes (at most a few hundred KB, so held in memory)."""
    from PIL import Image, ImageOps

    with media.open_file(attachment.path) as source, Image.open(source) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        if image.mode not in ("RGB", "L"):
            background = Image.new("RGB", image.size, "white")
            background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
            image = background
        out = io.BytesIO()
        image.save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue()

"""Checks and processing for files members upload: type by content (never by name),
size, pixel count (decompression bombs), and safe random names."""

from __future__ import annotations

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}
MAX_PIXELS = 40_000_000
AVATAR_SIZE = 256


def safe_name(extension: str) -> str:
    """A random file name: nothing of what the member typed reaches the file system."""
    return f"{uuid.uuid4().hex}.{extension.lstrip('.').lower()}"


def validate_image(upload: UploadedFile, *, max_bytes: int) -> str:
    """Raise a translated ValidationError unless ``upload`` is a real PNG, JPEG, GIF or
    WebP image within ``max_bytes``; return its canonical extension."""
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("This image is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            fmt = image.format or ""
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(
            _("This file is not an image we can read. Use a PNG, JPEG, GIF or WebP file."),
            code="not_image",
        ) from None
    finally:
        upload.seek(0)
    if fmt not in IMAGE_FORMATS:
        raise ValidationError(_("Images must be PNG, JPEG, GIF or WebP files."), code="bad_format")
    if width * height > MAX_PIXELS:
        raise ValidationError(_("This image has too many pixels."), code="too_many_pixels")
    return IMAGE_FORMATS[fmt]


def make_avatar(upload: UploadedFile) -> ContentFile:
    """A square 256 px PNG from an uploaded image, without its metadata (EXIF, GPS)."""
    upload.seek(0)
    with Image.open(upload) as source:
        image = ImageOps.exif_transpose(source).convert("RGB")
    image = ImageOps.fit(image, (AVATAR_SIZE, AVATAR_SIZE), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return ContentFile(buffer.getvalue(), name=safe_name("png"))

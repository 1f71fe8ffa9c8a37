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

# Top-level folders of MEDIA_ROOT that /media/ serves to anyone (random names). Anything
# else (library documents…) is served only by its app's permission-checked view. Apps add
# their public folders in AppConfig.ready().
PUBLIC_MEDIA_DIRS: set[str] = {"avatars"}

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


# --- Documents (resource library) -----------------------------------------------------
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_RATIO = 40  # uncompressed bytes allowed per uploaded byte (zip bombs)
OPENDOCUMENT_TYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
OOXML_FOLDERS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "png": "image/png",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}


def _unsupported() -> ValidationError:
    return ValidationError(
        _(
            "We accept PDF, Word, Excel and PowerPoint files (docx, xlsx, pptx), "
            "OpenDocument files and PNG, JPEG, GIF or WebP images."
        ),
        code="bad_type",
    )


def _office_type(upload: UploadedFile) -> str:
    import zipfile

    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > ZIP_MAX_ENTRIES or sum(e.file_size for e in entries) > max(
                (upload.size or 0) * ZIP_MAX_RATIO, 50 * 1024 * 1024
            ):
                raise ValidationError(_("This file unpacks to far too much data."), code="bomb")
            names = {e.filename for e in entries}
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise ValidationError(
                    _("Files with macros are not accepted: save it without macros."),
                    code="macros",
                )
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if mimetype in OPENDOCUMENT_TYPES:
                    return OPENDOCUMENT_TYPES[mimetype]
            if "[Content_Types].xml" in names:
                for folder, extension in OOXML_FOLDERS.items():
                    if any(n.startswith(folder) for n in names):
                        return extension
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        pass
    finally:
        upload.seek(0)
    raise _unsupported()


def validate_document(upload: UploadedFile, *, max_bytes: int | None = None) -> str:
    """Raise a translated ValidationError unless ``upload`` is, by its content (never its
    name), a PDF, an Office Open XML or OpenDocument file (without macros), or an image
    that `validate_image` accepts, within ``max_bytes``. Returns the canonical extension.
    SVG and anything else that is markup are refused: they can carry scripts."""
    from django.conf import settings

    limit = max_bytes or settings.RESOURCE_UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("This file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if not upload.size:
        raise ValidationError(_("This file is empty."), code="empty")
    upload.seek(0)
    head = upload.read(512)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _office_type(upload)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith(b"<") or b"<svg" in head.lower():
        raise ValidationError(
            _(
                "SVG images and web pages are not accepted (they can carry scripts): "
                "export a PNG or a PDF instead."
            ),
            code="markup",
        )
    if (
        head[:8] == b"\x89PNG\r\n\x1a\n"
        or head[:3] == b"\xff\xd8\xff"
        or head[:4]
        in (
            b"GIF8",
            b"RIFF",
        )
    ):
        return validate_image(upload, max_bytes=limit)
    raise _unsupported()


def document_display_name(original: str, extension: str) -> str:
    """A clean name for downloads: the member's name without its path or odd characters,
    with the extension of the real type."""
    import re
    from pathlib import PurePosixPath

    stem = PurePosixPath(original.replace("\\", "/")).stem
    stem = re.sub(r"[^\w .()-]+", "", stem, flags=re.UNICODE).strip(" .")[:100]
    return f"{stem or 'document'}.{extension}"

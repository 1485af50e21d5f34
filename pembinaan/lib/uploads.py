"""Checking uploaded files by their content, never by their name (images and PDF only), re-encoding
photos that the public sees, and serving stored private files (those uploads, and background exports)
to users a view has already checked."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

# Magic numbers of the formats we accept, with the extension we store them under.
_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
)
# An image this large in pixels is refused before decoding: it may be a decompression bomb.
MAX_IMAGE_PIXELS = 40_000_000
# A published photo's longest side: plenty for a phone or a directory card, and a small file.
PHOTO_MAX_SIDE = 1600
PHOTO_JPEG_QUALITY = 85


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    extension: str
    token: str
    size: int


def check_upload(upload: UploadedFile, *, max_bytes: int | None = None) -> CheckedUpload:
    """Refuse anything that is not really a JPEG, PNG or PDF of acceptable size."""
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise ValidationError(_("Berkas kosong."), code="empty")
    if upload.size > max_bytes:
        raise ValidationError(
            _("Berkas terlalu besar (%(size)s MB); paling besar %(max)s MB.")
            % {"size": round(upload.size / 1_048_576, 1), "max": round(max_bytes / 1_048_576, 1)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    match = next(((t, e) for sig, t, e in _SIGNATURES if head.startswith(sig)), None)
    if match is None:
        raise ValidationError(
            _("Hanya foto (JPEG, PNG) atau PDF yang diterima; isi berkas ini bukan salah satunya."),
            code="type",
        )
    content_type, extension = match
    if content_type.startswith("image/"):
        _check_image(upload)
    return CheckedUpload(
        content_type=content_type, extension=extension, token=secrets.token_hex(16), size=upload.size
    )


def _check_image(upload: UploadedFile) -> None:
    try:
        with Image.open(upload) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ValidationError(
                    _("Gambar terlalu besar (%(w)s×%(h)s piksel).") % {"w": width, "h": height}, code="pixels"
                )
            image.verify()
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        raise ValidationError(
            _("Gambar terlalu besar (jumlah pikselnya tidak wajar)."), code="pixels"
        ) from exc
    except Exception as exc:  # Pillow raises many kinds of error for a broken or hostile file
        raise ValidationError(_("Gambar rusak atau tidak dapat dibaca."), code="broken") from exc
    finally:
        upload.seek(0)


@dataclass(frozen=True)
class CleanImage:
    """An image rebuilt from its pixels alone, ready to be stored under `extension`."""

    content: ContentFile
    content_type: str
    extension: str


def clean_image(upload, *, max_side: int = PHOTO_MAX_SIDE) -> CleanImage:
    """Decode an image and encode its pixels again, so that nothing but the picture is published.

    A phone photo carries EXIF (the GPS position of where it was taken: for a home business, the
    owner's home), XMP, ICC and comments. The stored file is a new image built from the pixels only,
    turned upright first (EXIF orientation is applied, then dropped with the rest) and scaled down to
    `max_side`. It is a JPEG, or a PNG when the picture has transparency that a JPEG would lose.
    The caller checks the upload first (`check_upload`); the original bytes are never stored.
    """
    upload.seek(0)
    try:
        with Image.open(upload) as original:
            original.load()
            upright = ImageOps.exif_transpose(original)
    except Exception as exc:  # Pillow raises many kinds of error for a broken or hostile file
        raise ValidationError(_("Gambar rusak atau tidak dapat dibaca."), code="broken") from exc
    finally:
        upload.seek(0)
    transparent = upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    pixels = upright.convert("RGBA" if transparent else "RGB")
    pixels.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    # A fresh image from the raw pixels has an empty `info`: no EXIF, XMP, ICC profile or comment
    # can be carried over by the encoder, whatever Pillow's defaults are.
    bare = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    if transparent:
        bare.save(out, "PNG", optimize=True)
        content_type, extension = "image/png", ".png"
    else:
        bare.save(out, "JPEG", quality=PHOTO_JPEG_QUALITY, optimize=True)
        content_type, extension = "image/jpeg", ".jpg"
    return CleanImage(content=ContentFile(out.getvalue()), content_type=content_type, extension=extension)


CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    # Background exports (pembinaan/jobs), served through the same private download.
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv; charset=utf-8",
}


def attach_evidence(instance, upload: UploadedFile | None, *, default_name: str) -> None:
    """Check an evidence upload and put it on a record's `evidence` field (not yet saved).

    The stored name is a random token; the uploader's file name is kept only as a label.
    """
    if upload is None:
        return
    checked = check_upload(upload)
    instance.evidence_token, instance.evidence_extension = checked.token, checked.extension
    instance.evidence_name = (upload.name or default_name)[-255:]
    instance.evidence.save(checked.token + checked.extension, upload, save=False)


def private_download(file_field, *, name: str, extension: str) -> FileResponse:
    """Serve a stored upload to a user the view already checked: as a download, never sniffed or cached."""
    response = FileResponse(
        file_field.open("rb"), as_attachment=True, filename=name, content_type=CONTENT_TYPES.get(extension)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

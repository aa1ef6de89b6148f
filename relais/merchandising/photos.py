"""Uploaded photos: JPEG or PNG recognised by their first bytes (never by the name or the browser's word),
at most ``MAX_PHOTO_BYTES``, stored under a random name."""

from __future__ import annotations

import struct
import uuid
import zlib

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from relais.core.errors import ApplicationError

MAX_PHOTO_BYTES = 5 * 1024 * 1024
SIGNATURES = {b"\xff\xd8\xff": ("image/jpeg", "jpg"), b"\x89PNG\r\n\x1a\n": ("image/png", "png")}


def photo_checked(upload: UploadedFile, *, field: str = "photo") -> tuple[str, str]:
    """(content type, file name) of an acceptable photo; an ``ApplicationError`` naming ``field`` otherwise."""
    if upload.size is not None and upload.size > MAX_PHOTO_BYTES:
        raise ApplicationError(
            _("The photo is too large: %(size)s MB at most.") % {"size": MAX_PHOTO_BYTES // (1024 * 1024)},
            extra={"field": field},
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for signature, (content_type, extension) in SIGNATURES.items():
        if head.startswith(signature):
            return content_type, f"{uuid.uuid4().hex}.{extension}"
    raise ApplicationError(_("The photo must be a JPEG or PNG image."), extra={"field": field})


def png_image(*, width: int = 8, height: int = 8, rgb: tuple[int, int, int] = (200, 30, 40)) -> bytes:
    """A small plain-colour PNG (the demo's and the tests' photos)."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _row in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )

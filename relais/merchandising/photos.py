"""Uploaded photos: JPEG or PNG recognised by their first bytes (never by the name or the browser's word),
at most ``MAX_PHOTO_BYTES``, stored under a random name."""

from __future__ import annotations

import uuid

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

"""A file uploaded for an import waits here between its preview and its confirmation.

The preview runs the importer in dry-run mode on the upload and keeps the bytes under a random token, in the
brand's own folder of the default storage; confirming reads them back by brand, kind and token (a token of
another brand finds nothing), runs the importer for real and removes the file.
"""

from __future__ import annotations

import re
import secrets
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from relais.core.errors import ApplicationError
from relais.core.models import Brand

MAX_BYTES = 20 * 1024 * 1024
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _folder(brand: Brand, kind: str, token: str) -> str:
    return f"staged-imports/{brand.pk}/{kind}/{token}"


def upload_stage(*, brand: Brand, kind: str, content: bytes, filename: str) -> str:
    """Keep an upload for its confirmation; returns the token that names it."""
    if len(content) > MAX_BYTES:
        raise ApplicationError(
            _("The file is larger than %(limit)s MB.") % {"limit": MAX_BYTES // (1024 * 1024)},
            extra={"field": "file"},
        )
    token = secrets.token_urlsafe(24)
    name = _SAFE_NAME.sub("_", PurePath(filename or "upload").name)[:80] or "upload"
    default_storage.save(f"{_folder(brand, kind, token)}/{name}", ContentFile(content))
    return token


def upload_staged(*, brand: Brand, kind: str, token: str) -> tuple[bytes, str]:
    """The bytes and file name kept under ``token`` for this brand and kind; ApplicationError when gone."""
    gone = ApplicationError(_("This upload is no longer available: upload the file again."))
    if not _TOKEN.match(token or ""):
        raise gone
    folder = _folder(brand, kind, token)
    try:
        _dirs, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        raise gone from None
    if not files:
        raise gone
    with default_storage.open(f"{folder}/{files[0]}", "rb") as handle:
        return handle.read(), files[0]


def upload_discard(*, brand: Brand, kind: str, token: str) -> None:
    if not _TOKEN.match(token or ""):
        return
    folder = _folder(brand, kind, token)
    try:
        _dirs, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        default_storage.delete(f"{folder}/{name}")

"""The brand's logo (core ``BrandSettings``) in what comms sends: e-mails and co-branded sales aids.

Read once per sending job or per generated PDF, never per e-mail. An e-mail carries it as an inline part
(``multipart/related``, ``cid:brand-logo``) rather than a link, so it shows without loading remote images
and without exposing a media URL. A brand without a logo (or whose file is missing or unreadable) gets
the e-mails and PDFs as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.mime.image import MIMEImage
from pathlib import Path

from django.core.mail import EmailMultiAlternatives

from relais.core.brand_settings import brand_logo_path, logo_kind
from relais.core.errors import ApplicationError
from relais.core.models import Brand

LOGO_CID = "brand-logo"
_SUBTYPES = {"png": "png", "jpg": "jpeg", "svg": "svg+xml"}


@dataclass(frozen=True)
class Logo:
    content: bytes
    kind: str  # "png", "jpg" or "svg" (``logo_kind``)


def brand_logo(*, brand: Brand) -> Logo | None:
    """The brand's logo, or None when it has none (or its file cannot be read as a logo)."""
    path = brand_logo_path(brand)
    if path is None:
        return None
    try:
        content = Path(path).read_bytes()
        return Logo(content=content, kind=logo_kind(content))
    except (OSError, ApplicationError):
        return None


def email_logo_attach(email: EmailMultiAlternatives, logo: Logo) -> None:
    """Attach ``logo`` inline, for the HTML part's ``<img src="cid:brand-logo">``."""
    email.mixed_subtype = "related"  # type: ignore[attr-defined]  # (missing from django-stubs)
    image = MIMEImage(logo.content, _subtype=_SUBTYPES[logo.kind])
    image.add_header("Content-ID", f"<{LOGO_CID}>")
    image.add_header("Content-Disposition", "inline", filename=f"logo.{logo.kind}")
    email.attach(image)

"""A brand's own settings: currency, languages offered, logo, declaration deadline.

The writes return what changed as ``{field: [before, after]}`` so the caller records it in the audit log
(``relais.audit``, a floor above this one). The holding period of points and the anomaly thresholds belong
to their domains (``relais.incentives``, ``relais.sellout``): the settings page calls their services.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from relais.core.errors import ApplicationError
from relais.core.models import Brand, BrandSettings
from relais.core.validators import validate_currency

LOGO_MAX_BYTES = 512 * 1024
MAX_DUE_DAYS = 60
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"


def logo_kind(content: bytes) -> str:
    """The logo's format from its first bytes ("png", "jpg" or "svg"), whatever its name says; an SVG must
    carry no script (it is shown in pages and e-mails). Raises ApplicationError for anything else."""
    if len(content) > LOGO_MAX_BYTES:
        raise ApplicationError(
            _("The logo is %(size)s KB; the limit is %(limit)s KB.")
            % {"size": len(content) // 1024, "limit": LOGO_MAX_BYTES // 1024},
            extra={"field": "logo"},
        )
    if content.startswith(_PNG):
        return "png"
    if content.startswith(_JPEG):
        return "jpg"
    head = content[:2048].lstrip().lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg"):
        lowered = content.lower()
        if b"<svg" in lowered and b"<script" not in lowered and b"javascript:" not in lowered:
            return "svg"
    raise ApplicationError(
        _("The logo must be a PNG, JPEG or SVG image (without scripts)."), extra={"field": "logo"}
    )


def platform_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def brand_settings_find(*, brand: Brand) -> BrandSettings | None:
    return BrandSettings.objects.filter(brand=brand).first()


def brand_declaration_due_days(*, brand_id: int) -> int | None:
    """How many days after a month the brand wants its sales declared, or None: it kept the platform's
    default (each reader knows its own: ``relais.sellout.periods.due_days``, the reminders' grace days)."""
    return (
        BrandSettings.objects.filter(brand_id=brand_id).values_list("declaration_due_days", flat=True).first()
    )


def brand_languages(*, brand: Brand) -> list[str]:
    """The languages the brand offers its partners: its choice, or every language of the platform."""
    row = brand_settings_find(brand=brand)
    return list(row.languages) if row and row.languages else platform_languages()


def brand_logo_path(brand: Brand) -> str | None:
    """The logo's file on disk, for e-mails and co-branded documents; None when the brand has none."""
    row = brand_settings_find(brand=brand)
    if row is None or not row.logo:
        return None
    try:
        return row.logo.path
    except NotImplementedError:  # a remote storage has no local path
        return None


def _languages_clean(languages: list[str]) -> list[str]:
    known = platform_languages()
    unknown = [code for code in languages if code not in known]
    if unknown:
        raise ApplicationError(
            _("Unknown languages: %(codes)s") % {"codes": ", ".join(unknown)}, extra={"field": "languages"}
        )
    if not languages:
        raise ApplicationError(_("Offer at least one language."), extra={"field": "languages"})
    return [code for code in known if code in languages]


@transaction.atomic
def brand_settings_save(
    *,
    brand: Brand,
    currency: str,
    languages: list[str],
    declaration_due_days: int | None,
    logo_content: bytes | None = None,
    logo_remove: bool = False,
) -> dict[str, list[Any]]:
    """Save the brand's settings; returns the changes as ``{field: [before, after]}`` (empty: nothing moved).
    Every value is checked before anything is written."""
    try:
        currency = validate_currency(currency)
    except ValueError as exc:
        raise ApplicationError(str(exc), extra={"field": "currency"}) from exc
    languages = _languages_clean(languages)
    if declaration_due_days is not None and not 0 <= declaration_due_days <= MAX_DUE_DAYS:
        raise ApplicationError(
            _("The declaration deadline must be between 0 and %(max)s days.") % {"max": MAX_DUE_DAYS},
            extra={"field": "declaration_due_days"},
        )
    kind = logo_kind(logo_content) if logo_content is not None else None
    brand = Brand.objects.select_for_update().get(pk=brand.pk)
    row, _created = BrandSettings.objects.get_or_create(brand=brand)
    changes: dict[str, list[Any]] = {}
    if brand.currency != currency:
        changes["currency"] = [brand.currency, currency]
        brand.currency = currency
        brand.save(update_fields=["currency", "updated_at"])
    before_languages = list(row.languages) or platform_languages()
    if before_languages != languages:
        changes["languages"] = [before_languages, languages]
    if row.declaration_due_days != declaration_due_days:
        changes["declaration_due_days"] = [row.declaration_due_days, declaration_due_days]
    row.languages = languages
    row.declaration_due_days = declaration_due_days
    before_logo = Path(row.logo.name or "").name if row.logo else ""
    if kind is not None and logo_content is not None:
        row.logo.save(f"logo-{secrets.token_hex(4)}.{kind}", ContentFile(logo_content), save=False)
        changes["logo"] = [before_logo, Path(row.logo.name or "").name]
    elif logo_remove and row.logo:
        row.logo = ""  # type: ignore[assignment]
        changes["logo"] = [before_logo, ""]
    row.save()
    return changes

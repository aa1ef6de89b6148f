"""Writes of the ground layer: the brands (tenants)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils.translation import gettext as _

from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.core.validators import validate_currency


@transaction.atomic
def brand_upsert(*, slug: str, name: str, currency: str = "EUR") -> tuple[Brand, str]:
    """Create the brand ``slug`` or bring its name and currency in line; returns it and
    "created", "updated" or "unchanged". Idempotent: the same call twice changes nothing the second time.
    """
    slug = (slug or "").strip().lower()
    try:
        validate_slug(slug)
    except ValidationError as exc:
        raise ApplicationError(
            _("“%(slug)s” is not a valid slug (letters, digits, - and _).") % {"slug": slug}
        ) from exc
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise ApplicationError(_("A brand needs a name of at most 200 characters."))
    try:
        currency = validate_currency(currency)
    except ValueError as exc:
        raise ApplicationError(str(exc)) from exc
    brand = Brand.objects.select_for_update().filter(slug=slug).first()
    if brand is None:
        return Brand.objects.create(slug=slug, name=name, currency=currency), "created"
    if (brand.name, brand.currency) == (name, currency):
        return brand, "unchanged"
    brand.name, brand.currency = name, currency
    brand.save(update_fields=["name", "currency", "updated_at"])
    return brand, "updated"

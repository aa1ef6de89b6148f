"""Writes on the brand's catalogue: one product at a time (pages, API); whole files go through importing.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from relais.catalog.models import Product
from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.core.validators import normalise_gtin, parse_decimal, validate_currency

PRODUCT_EDITABLE_FIELDS = {"name", "family", "list_price", "currency", "is_active"}


def _clean(field: str, value: Any) -> Any:
    if field in {"name", "family"}:
        value = " ".join(str(value or "").split())
        if field == "name" and not value:
            raise ApplicationError(_("A product needs a name."), extra={"field": field})
        if len(value) > (200 if field == "name" else 100):
            raise ApplicationError(_("This text is too long."), extra={"field": field})
        return value
    try:
        if field == "list_price":
            if value in (None, ""):
                return None
            price = parse_decimal(value)
            if price < 0 or price != price.quantize(Decimal("0.01")):
                raise ValueError(_("A list price is a positive amount with at most 2 decimals."))
            return price
        if field == "currency":
            return validate_currency(value)
    except ValueError as exc:
        raise ApplicationError(str(exc), extra={"field": field}) from exc
    return bool(value) if field == "is_active" else value


@transaction.atomic
def product_create(
    *,
    brand: Brand,
    gtin: str,
    name: str,
    family: str = "",
    list_price: Decimal | str | None = None,
    currency: str | None = None,
) -> Product:
    """Add a product to the brand's catalogue; the GTIN (8 to 14 digits) is stored as GTIN-14."""
    try:
        gtin14 = normalise_gtin(gtin)
    except ValueError as exc:
        raise ApplicationError(str(exc), extra={"field": "gtin"}) from exc
    values = {
        "name": _clean("name", name),
        "family": _clean("family", family),
        "list_price": _clean("list_price", list_price),
        "currency": _clean("currency", currency or brand.currency),
    }
    try:
        with transaction.atomic():
            return Product.objects.create(brand=brand, gtin=gtin14, **values)
    except IntegrityError as exc:
        raise ApplicationError(
            _("The catalogue already has a product with GTIN %(gtin)s.") % {"gtin": gtin14},
            extra={"field": "gtin"},
        ) from exc


@transaction.atomic
def product_update(*, product: Product, **fields: Any) -> Product:
    """Change a product's name, family, list price, currency or active flag (the GTIN is its identity)."""
    unknown = set(fields) - PRODUCT_EDITABLE_FIELDS
    if unknown:
        raise ApplicationError(
            _("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
    changes = {}
    for field, value in fields.items():
        cleaned = _clean(field, value)
        if getattr(product, field) != cleaned:
            changes[field] = cleaned
    if changes:
        for field, value in changes.items():
            setattr(product, field, value)
        product.save(update_fields=[*changes, "updated_at"])
    return product

"""The sell-out line, one definition: the fields a partner declares and the columns a line is stored in.

Names, types and maximum lengths come from the ``DeclarationLine`` model (``_meta``); this module adds
only what the model does not say: the label a partner reads when mapping the columns of a file, and which
fields a line cannot go without. The mapping (``mapping``), the checks (``validate``), the bulk write
(``store``), the web form and the exports all read their column lists from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relais.sellout.models import DeclarationLine

# Text the model leaves unbounded still has a length every door refuses past (the API's schema, the web form,
# the file import): one number per field, here.
TEXT_MAX_LENGTHS = {"feedback": 2000}

_KINDS = {
    "CharField": "text",
    "TextField": "text",
    "IntegerField": "integer",
    "DecimalField": "decimal",
    "DateField": "date",
}


@dataclass(frozen=True)
class FieldSpec:
    """A field a partner declares for each line: the model field it fills, and how the partner calls it."""

    name: str
    label: Promise
    required: bool = False
    kind: str = "text"  # "text", "integer", "decimal" or "date", from the model field
    max_length: int | None = None  # from the model field (None: unbounded text, or not text)


def _spec(name: str, label: Promise, *, required: bool = False) -> FieldSpec:
    model_field = DeclarationLine._meta.get_field(name)
    assert isinstance(model_field, models.Field)
    return FieldSpec(
        name=name,
        label=label,
        required=required,
        kind=_KINDS[model_field.get_internal_type()],
        max_length=model_field.max_length or TEXT_MAX_LENGTHS.get(name),
    )


# The canonical fields of a sell-out line, in the order a mapping is proposed. amount / unit_price: one of
# the two is required (the other is derived).
FIELDS: list[FieldSpec] = [
    _spec("gtin", _("GTIN / EAN"), required=True),
    _spec("quantity", _("Quantity"), required=True),
    _spec("sale_date", _("Date of sale"), required=True),
    _spec("amount", _("Line amount")),
    _spec("unit_price", _("Unit price")),
    _spec("currency", _("Currency")),
    _spec("channel", _("Sales channel")),
    _spec("invoice_ref", _("Invoice number")),
    _spec("customer_type", _("Customer type")),
    _spec("customer_postcode_area", _("Customer postcode area")),
    _spec("customer_segment", _("Customer segment")),
    _spec("customer_ref", _("Customer number")),
    _spec("feedback", _("Customer feedback")),
]
FIELD_NAMES: list[str] = [f.name for f in FIELDS]
REQUIRED_FIELDS: list[str] = [f.name for f in FIELDS if f.required]
PRICE_FIELDS: tuple[str, str] = ("amount", "unit_price")
MAX_LENGTHS: dict[str, int] = {f.name: f.max_length for f in FIELDS if f.max_length is not None}

_CONCRETE = [f for f in DeclarationLine._meta.concrete_fields if not f.primary_key]
# Every stored column of a line, in the model's order (foreign keys as ``brand_id``...): the bulk write's.
LINE_COLUMNS: list[str] = [f.attname for f in _CONCRETE]
# The text columns among them (never NULL: an empty cell is empty text).
TEXT_COLUMNS: list[str] = [f.attname for f in _CONCRETE if _KINDS.get(f.get_internal_type()) == "text"]
# What a line says about its sale, in the model's order: no keys to other rows, no bookkeeping.
SALE_COLUMNS: list[str] = [
    f.attname
    for f in _CONCRETE
    if not f.is_relation and f.name not in {"source_row", "dedup_key", "created_at", "anomalies"}
]

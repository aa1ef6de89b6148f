"""Loading a brand's catalogue from a file: one row per product, upserted by (brand, GTIN).

Columns (header names in English or French, any order): ``gtin`` (required), ``name`` (required), ``family``,
``list_price`` (decimal comma accepted), ``currency`` (defaults to the brand's). Bad rows are reported with
their row number as in the file and the field at fault; good rows load; the whole file is one transaction.
See docs/imports.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.catalog.models import Product
from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.core.tabular import ImportReport, RowError, Table, columns_map, table_read
from relais.core.validators import parse_decimal, recover_gtin, validate_currency

CATALOG_COLUMNS: dict[str, set[str]] = {
    "gtin": {
        "ean",
        "ean13",
        "ean_13",
        "gtin13",
        "gtin_13",
        "gtin14",
        "upc",
        "code_ean",
        "code_barre",
        "code_barres",
    },
    "name": {"nom", "designation", "libelle", "product", "produit", "product_name", "nom_produit"},
    "family": {"famille", "category", "categorie", "gamme", "product_family"},
    "list_price": {"prix", "price", "prix_catalogue", "prix_public", "tarif", "prix_liste", "list price"},
    "currency": {"devise", "monnaie"},
}
REQUIRED_COLUMNS = ("gtin", "name")
UPDATABLE_FIELDS = ("name", "family", "list_price", "currency", "is_active")
_MAX_PRICE = Decimal("9999999999.99")
IN_LIST_LIMIT = 5000


@dataclass
class _ProductRow:
    row: int
    values: dict[str, Any]


def _text(cells: list[object], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    value = cells[index]
    return "" if value is None else str(value).strip()


def _raw(cells: list[object], index: int | None) -> object:
    if index is None or index >= len(cells):
        return ""
    return cells[index]


def _row_values(
    *, brand: Brand, cells: list[object], columns: dict[str, int], row: int, errors: list[RowError]
) -> dict[str, Any] | None:
    """The product fields of one row, or None after recording its errors."""
    before = len(errors)
    values: dict[str, Any] = {"is_active": True}

    raw_gtin = _raw(cells, columns["gtin"])
    try:
        values["gtin"] = recover_gtin(raw_gtin)
    except ValueError as exc:
        errors.append(RowError(row, "gtin", str(exc)))

    name = _text(cells, columns["name"])
    if not name:
        errors.append(RowError(row, "name", _("The product name is missing.")))
    elif len(name) > 200:
        errors.append(RowError(row, "name", _("Keep the name under 200 characters.")))
    values["name"] = name

    if "family" in columns:
        family = _text(cells, columns["family"])
        if len(family) > 100:
            errors.append(RowError(row, "family", _("Keep the family under 100 characters.")))
        values["family"] = family

    if "list_price" in columns:
        raw_price = _raw(cells, columns["list_price"])
        if raw_price in ("", None):
            values["list_price"] = None
        else:
            try:
                price = parse_decimal(raw_price)
                if price < 0:
                    raise ValueError(_("A list price cannot be negative."))
                if price > _MAX_PRICE:
                    raise ValueError(_("This list price is too large."))
                if price != price.quantize(Decimal("0.01")):
                    raise ValueError(
                        _("A list price has at most 2 decimals (%(value)s).") % {"value": raw_price}
                    )
                values["list_price"] = price.quantize(Decimal("0.01"))
            except ValueError as exc:
                errors.append(RowError(row, "list_price", str(exc)))

    currency_text = _text(cells, columns["currency"]) if "currency" in columns else ""
    if currency_text or "currency" in columns:
        try:
            values["currency"] = validate_currency(currency_text or brand.currency)
        except ValueError as exc:
            errors.append(RowError(row, "currency", str(exc)))
    return values if len(errors) == before else None


def catalog_import(*, brand: Brand, table: Table, dry_run: bool = False) -> ImportReport:
    """Upsert the brand's products from ``table`` by GTIN, in one transaction, and report row by row.

    A product already identical to its row is left untouched ("unchanged"); only changed products are
    written (one ``bulk_update``), new ones with one ``bulk_create``. A column absent from the file leaves
    that field of existing products as it is; a product listed in the file is (re)activated. The same GTIN
    twice in a file rejects the second row. With ``dry_run`` nothing is written but the report is the same.
    Raises ApplicationError when a required column is missing.
    """
    columns, unknown = columns_map(table.headers, CATALOG_COLUMNS)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ApplicationError(
            _("The file has no %(columns)s column (found: %(headers)s).")
            % {"columns": ", ".join(missing), "headers": ", ".join(h for h in table.headers if h) or "—"}
        )
    report = ImportReport(unknown_columns=unknown, dry_run=dry_run)
    errors: list[RowError] = []
    rejected_rows: set[int] = set()
    seen: dict[str, int] = {}
    good: list[_ProductRow] = []
    for row, cells in table.rows:
        values = _row_values(brand=brand, cells=cells, columns=columns, row=row, errors=errors)
        if values is None:
            rejected_rows.add(row)
            continue
        first = seen.setdefault(values["gtin"], row)
        if first != row:
            errors.append(
                RowError(
                    row,
                    "gtin",
                    _("GTIN %(gtin)s already appears on row %(row)s.")
                    % {"gtin": values["gtin"], "row": first},
                )
            )
            rejected_rows.add(row)
            continue
        good.append(_ProductRow(row=row, values=values))

    with transaction.atomic():
        candidates = Product.objects.select_for_update().filter(brand=brand)
        if len(seen) <= IN_LIST_LIMIT:  # beyond, one scan of the brand beats a huge IN list (SQLite caps it)
            candidates = candidates.filter(gtin__in=list(seen))
        existing = {p.gtin: p for p in candidates if p.gtin in seen}
        now = timezone.now()
        to_create: list[Product] = []
        to_update: list[Product] = []
        changed_fields: set[str] = set()
        for item in good:
            product = existing.get(item.values["gtin"])
            if product is None:
                fields = {k: v for k, v in item.values.items() if k != "gtin"}
                fields.setdefault("currency", brand.currency)
                to_create.append(Product(brand=brand, gtin=item.values["gtin"], **fields))
                continue
            changes = {
                k: v for k, v in item.values.items() if k in UPDATABLE_FIELDS and getattr(product, k) != v
            }
            if changes:
                for k, v in changes.items():
                    setattr(product, k, v)
                product.updated_at = now
                changed_fields.update(changes)
                to_update.append(product)
            else:
                report.unchanged += 1
        Product.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            Product.objects.bulk_update(to_update, [*sorted(changed_fields), "updated_at"], batch_size=500)
        report.created = len(to_create)
        report.updated = len(to_update)
        if dry_run:
            transaction.set_rollback(True)
    report.errors = errors
    report.rejected = len(rejected_rows)
    return report


def catalog_import_file(
    *, brand: Brand, content: bytes, filename: str = "", dry_run: bool = False
) -> ImportReport:
    """``catalog_import`` on the bytes of a CSV or spreadsheet file."""
    return catalog_import(brand=brand, table=table_read(content=content, filename=filename), dry_run=dry_run)

"""Writes of the stock domain: sell-in imports, inventory imports (file, EDIFACT, form).

Both imports follow the project's import pattern (docs/imports.md): every bad row reported with its row number
and field, good rows stored, one transaction, a dry run that writes nothing, and an idempotent re-run. Rows
are written with ``bulk_create`` in batches, never one ORM save per row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from relais.catalog.models import Product
from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.core.tabular import ImportReport, RowError, Table, columns_map
from relais.network.models import PartnerCompany
from relais.stock.models import SellInLine, StockSnapshot, StockSource
from relais.stock.rows import (
    Lookups,
    cell,
    read_amount,
    read_partner,
    read_product,
    read_quantity_and_date,
    text,
)
from relais.stock.selectors import stock_lookups_load

BATCH_SIZE = 2000

SELLIN_COLUMNS: dict[str, set[str]] = {
    "partner": {
        "partner_code",
        "code_partenaire",
        "code_client",
        "customer",
        "customer_code",
        "client",
        "sold_to",
    },
    "partner_gln": {"gln", "gln_client", "customer_gln", "ship_to_gln", "gln_livraison"},
    "gtin": {"ean", "ean13", "ean_13", "gtin13", "code_ean", "code_barre", "code_barres", "upc"},
    "quantity": {"qty", "quantite", "qte", "quantity_shipped", "qte_livree", "quantite_livree", "units"},
    "date": {
        "ship_date",
        "delivery_date",
        "invoice_date",
        "date_livraison",
        "date_facture",
        "date_expedition",
    },
    "reference": {
        "ref",
        "delivery",
        "delivery_ref",
        "delivery_note",
        "invoice",
        "invoice_ref",
        "invoice_number",
        "bl",
        "n_bl",
        "bon_de_livraison",
        "facture",
        "n_facture",
        "numero_facture",
    },
    "amount": {"montant", "montant_ht", "net_amount", "total", "value", "valeur"},
    "currency": {"devise", "monnaie"},
}
INVENTORY_COLUMNS: dict[str, set[str]] = {
    "gtin": SELLIN_COLUMNS["gtin"],
    "quantity": {
        "qty",
        "quantite",
        "qte",
        "stock",
        "stock_on_hand",
        "on_hand",
        "en_stock",
        "quantite_en_stock",
    },
    "date": {"stock_date", "inventory_date", "date_stock", "date_inventaire", "as_of"},
    "location": {"gln", "location_gln", "site_gln", "lieu", "emplacement", "store_gln"},
}


@dataclass(frozen=True)
class StockEntry:
    """One stock quantity to record, with the label errors name it by (row number or EDIFACT segment)."""

    row: int
    gtin: object
    quantity: object
    stock_date: object
    location: str = ""


def _require(table: Table, columns: dict[str, int], required: tuple[str, ...]) -> None:
    missing = [c for c in required if c not in columns]
    if missing:
        raise ApplicationError(
            _("The file has no %(columns)s column (found: %(headers)s).")
            % {"columns": ", ".join(missing), "headers": ", ".join(h for h in table.headers if h) or "—"}
        )


def _sellin_row(
    cells: list[object],
    *,
    columns: dict[str, int],
    row: int,
    brand: Brand,
    lookups: Lookups,
    errors: list[RowError],
) -> SellInLine | None:
    before = len(errors)
    partner_id = read_partner(
        text(cells, columns.get("partner")),
        text(cells, columns.get("partner_gln")),
        lookups=lookups,
        row=row,
        errors=errors,
    )
    product = read_product(cell(cells, columns["gtin"]), lookups=lookups, row=row, errors=errors)
    moved = read_quantity_and_date(
        cell(cells, columns["quantity"]),
        cell(cells, columns["date"]),
        allow_negative=True,
        row=row,
        errors=errors,
    )
    if moved is not None and moved[0] == 0:
        errors.append(RowError(row, "quantity", _("A shipped quantity cannot be zero.")))
    reference = text(cells, columns.get("reference"))
    if len(reference) > 60:
        errors.append(RowError(row, "reference", _("Keep the reference under 60 characters.")))
    amount = read_amount(cell(cells, columns.get("amount")), row=row, errors=errors)
    currency = text(cells, columns.get("currency")).upper() or brand.currency
    if len(errors) != before or partner_id is None or product is None or moved is None:
        return None
    return SellInLine(
        brand=brand,
        partner_id=partner_id,
        product_id=product[1],
        gtin=product[0],
        ship_date=moved[1],
        reference=reference,
        quantity=moved[0],
        amount=amount,
        currency=currency[:3] if amount is not None else "",
        source_row=row,
    )


def _sellin_key(line: SellInLine) -> tuple[int, str, dt.date, str, int]:
    return (line.partner_id, line.gtin, line.ship_date, line.reference, line.quantity)


@transaction.atomic
def sellin_import(*, brand: Brand, table: Table, dry_run: bool = False) -> ImportReport:
    """Store the shipments of ``table`` (the brand's ERP export) as sell-in lines, and report row by row.

    Columns by header or alias (French or English): partner code or partner GLN (of one of its sites), GTIN,
    quantity, date (delivery or invoice), reference (delivery note or invoice number), amount (optional).
    A line already stored, or repeated in the file, with the same partner, GTIN, date, reference and quantity
    is the same shipment: it is counted "unchanged", so re-running a file changes nothing. Raises
    ApplicationError when a required column is missing.
    """
    columns, unknown = columns_map(table.headers, SELLIN_COLUMNS)
    _require(table, columns, ("gtin", "quantity", "date"))
    if "partner" not in columns and "partner_gln" not in columns:
        _require(table, columns, ("partner",))
    lookups = stock_lookups_load(brand=brand)
    report = ImportReport(unknown_columns=unknown, dry_run=dry_run)
    errors: list[RowError] = []
    lines: dict[tuple[int, str, dt.date, str, int], SellInLine] = {}
    rejected = 0
    for row, cells in table.rows:
        line = _sellin_row(cells, columns=columns, row=row, brand=brand, lookups=lookups, errors=errors)
        if line is None:
            rejected += 1
        elif _sellin_key(line) in lines:
            report.unchanged += 1
        else:
            lines[_sellin_key(line)] = line
    if lines:
        dates = [key[2] for key in lines]
        known = set(
            SellInLine.objects.filter(
                brand=brand, ship_date__gte=min(dates), ship_date__lte=max(dates)
            ).values_list("partner_id", "gtin", "ship_date", "reference", "quantity")
        )
        new = [line for key, line in lines.items() if key not in known]
        report.unchanged += len(lines) - len(new)
        SellInLine.objects.bulk_create(new, batch_size=BATCH_SIZE, ignore_conflicts=True)
        report.created = len(new)
    report.errors, report.rejected = errors, rejected
    if dry_run:
        transaction.set_rollback(True)
    return report


def inventory_store(
    *,
    brand: Brand,
    partner: PartnerCompany,
    entries: list[StockEntry],
    source: str = StockSource.FILE,
    dry_run: bool = False,
    errors: list[RowError] | None = None,
) -> ImportReport:
    """Record the stock on hand of ``partner`` from ``entries`` (file rows, INVRPT lines or the form).

    One snapshot per product, date and location: a newer report of the same one replaces its quantity
    ("updated"), the same quantity again is "unchanged". The same product, date and location twice in one
    report rejects the second. Errors found before (``errors``, for example while parsing a message) are
    kept in the report.
    """
    lookups = stock_lookups_load(brand=brand)
    report = ImportReport(dry_run=dry_run)
    errors = list(errors or [])
    rejected = {e.row for e in errors}
    wanted: dict[tuple[str, dt.date, str], tuple[int, int, int]] = {}  # key -> (row, product, quantity)
    for entry in entries:
        before = len(errors)
        product = read_product(entry.gtin, lookups=lookups, row=entry.row, errors=errors)
        counted = read_quantity_and_date(
            entry.quantity, entry.stock_date, allow_negative=False, row=entry.row, errors=errors
        )
        if len(errors) != before or product is None or counted is None:
            rejected.add(entry.row)
            continue
        key = (product[0], counted[1], entry.location)
        if key in wanted:
            errors.append(
                RowError(
                    entry.row,
                    "gtin",
                    _("GTIN %(gtin)s on %(date)s already appears on row %(row)s.")
                    % {"gtin": key[0], "date": key[1], "row": wanted[key][0]},
                )
            )
            rejected.add(entry.row)
            continue
        wanted[key] = (entry.row, product[1], counted[0])
    with transaction.atomic():
        _snapshots_write(brand=brand, partner=partner, wanted=wanted, source=source, report=report)
        if dry_run:
            transaction.set_rollback(True)
    report.errors, report.rejected = errors, len(rejected)
    return report


def _snapshots_write(
    *,
    brand: Brand,
    partner: PartnerCompany,
    wanted: dict[tuple[str, dt.date, str], tuple[int, int, int]],
    source: str,
    report: ImportReport,
) -> None:
    if not wanted:
        return
    dates = [key[1] for key in wanted]
    existing = {
        (s.gtin, s.stock_date, s.location): s
        for s in StockSnapshot.objects.select_for_update().filter(
            brand=brand, partner=partner, stock_date__gte=min(dates), stock_date__lte=max(dates)
        )
    }
    to_create: list[StockSnapshot] = []
    to_update: list[StockSnapshot] = []
    for (gtin, stock_date, location), (_row, product_id, quantity) in wanted.items():
        snapshot = existing.get((gtin, stock_date, location))
        if snapshot is None:
            to_create.append(
                StockSnapshot(
                    brand=brand,
                    partner=partner,
                    product_id=product_id,
                    gtin=gtin,
                    stock_date=stock_date,
                    location=location,
                    quantity=quantity,
                    source=source,
                )
            )
        elif snapshot.quantity != quantity:
            snapshot.quantity, snapshot.source = quantity, source
            to_update.append(snapshot)
        else:
            report.unchanged += 1
    StockSnapshot.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    StockSnapshot.objects.bulk_update(to_update, ["quantity", "source", "updated_at"], batch_size=BATCH_SIZE)
    report.created, report.updated = len(to_create), len(to_update)


def inventory_import(
    *, brand: Brand, partner: PartnerCompany, table: Table, dry_run: bool = False
) -> ImportReport:
    """Record a partner's stock from a CSV/XLSX file: GTIN, quantity on hand, date, location (optional)."""
    columns, unknown = columns_map(table.headers, INVENTORY_COLUMNS)
    _require(table, columns, ("gtin", "quantity", "date"))
    entries = [
        StockEntry(
            row=row,
            gtin=cell(cells, columns["gtin"]),
            quantity=cell(cells, columns["quantity"]),
            stock_date=cell(cells, columns["date"]),
            location=text(cells, columns.get("location"))[:13],
        )
        for row, cells in table.rows
    ]
    report = inventory_store(brand=brand, partner=partner, entries=entries, dry_run=dry_run)
    report.unknown_columns = unknown
    return report


def stock_snapshot_record(
    *, partner: PartnerCompany, product: Product, stock_date: dt.date, quantity: int, location: str = ""
) -> ImportReport:
    """Record one stock quantity typed in the partner's form (same checks as a file row)."""
    if product.brand_id != partner.brand_id:
        raise ApplicationError(_("This product is not in the brand's catalogue."))
    report = inventory_store(
        brand=partner.brand,
        partner=partner,
        entries=[
            StockEntry(row=1, gtin=product.gtin, quantity=quantity, stock_date=stock_date, location=location)
        ],
        source=StockSource.FORM,
    )
    if report.errors:
        raise ApplicationError(report.errors[0].message)
    return report


__all__ = [
    "INVENTORY_COLUMNS",
    "SELLIN_COLUMNS",
    "StockEntry",
    "inventory_import",
    "inventory_store",
    "sellin_import",
    "stock_snapshot_record",
]

"""Export of declaration lines for the brand, as CSV or XLSX, streamed in the reader's language.

The lines are read in chunks (a server-side cursor on PostgreSQL, an iterator on SQLite), each chunk becomes
a polars frame and is written by ``relais.core.exports`` (CSV through polars, XLSX through our streaming
writer): memory holds one chunk whatever the number of lines. Headers are in the reader's language, numbers
and dates are typed cells (decimal comma and dd/mm/yyyy for a French reader). Text typed by partners is
neutralised against formulas. The line's own columns come from its schema (``ingest.fields``), after the
declaration and partner.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from itertools import islice
from typing import Any

import polars as pl
from django.db import models
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais.core.exports import csv_stream, export_dialect, neutralise, rows_frame, xlsx_stream
from relais.sellout.ingest.fields import SALE_COLUMNS
from relais.sellout.models import DeclarationLine, ImportRowError, SelloutImport

# (column, value path) of each column: the declaration and partner, the sale's date, product and values.
COLUMNS: list[tuple[str, str]] = [
    ("declaration", "declaration_id"),
    ("partner_code", "partner__code"),
    ("partner", "partner__name"),
    ("sale_date", "sale_date"),
    ("gtin", "gtin"),
    ("product", "product__name"),
    *((name, name) for name in SALE_COLUMNS if name not in {"sale_date", "gtin"}),
    ("source", "declaration__source"),
]
# The header a reader sees for each column, in their language (a column the line gains later falls back to
# its model field's verbose name).
HEADERS: dict[str, Any] = {
    "declaration": gettext_lazy("Declaration"),
    "partner_code": gettext_lazy("Partner code"),
    "partner": gettext_lazy("Partner"),
    "sale_date": gettext_lazy("Sale date"),
    "gtin": gettext_lazy("GTIN"),
    "product": gettext_lazy("Product"),
    "quantity": gettext_lazy("Quantity"),
    "unit_price": gettext_lazy("Unit price"),
    "amount": gettext_lazy("Amount"),
    "currency": gettext_lazy("Currency"),
    "channel": gettext_lazy("Channel"),
    "invoice_ref": gettext_lazy("Invoice number"),
    "customer_type": gettext_lazy("Customer type"),
    "customer_postcode_area": gettext_lazy("Customer postcode area"),
    "customer_segment": gettext_lazy("Customer segment"),
    "customer_ref": gettext_lazy("Customer reference"),
    "feedback": gettext_lazy("Customer feedback"),
    "status": gettext_lazy("Status"),
    "flag_reason": gettext_lazy("Flag reason"),
    "source": gettext_lazy("Source"),
}
CHUNK_ROWS = 20_000
__all__ = [
    "COLUMNS",
    "export_filename",
    "lines_csv_stream",
    "lines_xlsx",
    "lines_xlsx_stream",
    "neutralise",
]


def _dtype(field: models.Field[Any, Any]) -> Any:
    if isinstance(field, models.DateField):
        return pl.Date
    if isinstance(field, models.DecimalField):
        return pl.Float64
    if isinstance(field, (models.IntegerField, models.AutoField, models.ForeignKey)):
        return pl.Int64
    return pl.String


def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = {}
    for name, path in COLUMNS:
        model: Any = DeclarationLine
        *relations, last = path.split("__")
        for relation in relations:
            model = model._meta.get_field(relation).related_model
        schema[name] = _dtype(model._meta.get_field(last))
    return schema


def headers(language: str) -> list[str]:
    """The export's header row in ``language``."""
    with translation.override(language):
        return [str(HEADERS.get(name, name.replace("_", " ").capitalize())) for name, _path in COLUMNS]


def _frames(lines: QuerySet[DeclarationLine], chunk_rows: int) -> Iterator[pl.DataFrame]:
    schema = _schema()
    paths = [path for _name, path in COLUMNS]
    rows = lines.order_by("sale_date", "pk").values_list(*paths).iterator(chunk_size=chunk_rows)
    while chunk := list(islice(rows, chunk_rows)):
        yield rows_frame(chunk, schema)


def lines_csv_stream(
    lines: QuerySet[DeclarationLine], *, language: str | None = None, chunk_rows: int = CHUNK_ROWS
) -> Iterator[bytes]:
    """CSV bytes chunks (BOM and header first) for a StreamingHttpResponse, in ``language`` (default: the
    active one, read now, not when the response is consumed)."""
    language = language or translation.get_language() or "en"
    return csv_stream(
        header=headers(language), frames=_frames(lines, chunk_rows), dialect=export_dialect(language)
    )


def lines_xlsx_stream(
    lines: QuerySet[DeclarationLine], *, language: str | None = None, chunk_rows: int = CHUNK_ROWS
) -> Iterator[bytes]:
    """The lines as an XLSX workbook, in bytes chunks for a StreamingHttpResponse, in ``language``."""
    language = language or translation.get_language() or "en"
    with translation.override(language):
        title = _("Sell-out lines")
    return xlsx_stream(
        header=headers(language),
        frames=_frames(lines, chunk_rows),
        dialect=export_dialect(language),
        title=title,
    )


def lines_xlsx(lines: QuerySet[DeclarationLine], *, language: str | None = None) -> bytes:
    """The whole workbook as bytes (small exports; a large one should stream ``lines_xlsx_stream``)."""
    return b"".join(lines_xlsx_stream(lines, language=language))


def export_filename(extension: str, today: date) -> str:
    return f"sellout-lines-{today:%Y%m%d}.{extension}"


# --- Rejected rows, for the partner to fix and re-upload ------------------------------------------------


def rejected_rows_csv(*, sellout_import: SelloutImport) -> bytes:
    """The rejected rows of an import as CSV (UTF-8 with BOM, ';'), its original columns plus "error"."""
    column_mapping = sellout_import.mapping
    headers: list[str] = list(column_mapping.headers) if column_mapping else []
    by_row: dict[int, tuple[dict[str, str], list[str]]] = {}
    for error in ImportRowError.objects.filter(
        sellout_import=sellout_import, kind=ImportRowError.Kind.REJECTED
    ).order_by("row", "pk"):
        raw, messages = by_row.setdefault(error.row, (error.raw or {}, []))
        messages.append(error.message)
        for key in raw:
            if key not in headers:
                headers.append(key)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    error_header = _("error")
    writer.writerow([*headers, error_header])
    for _row, (raw, messages) in sorted(by_row.items()):
        writer.writerow([*(raw.get(h, "") for h in headers), "; ".join(messages)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")

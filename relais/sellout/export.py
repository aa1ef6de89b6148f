"""Export of declaration lines for the brand, as CSV or XLSX.

Text typed by partners (invoice refs, segments, feedback) could be run as a formula by a spreadsheet:
every cell goes through ``relais.core.exports.neutralise``; numbers and dates are written as numbers and
dates. The line's own columns come from its schema (``ingest.fields``), after the declaration and partner.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from relais.core.exports import neutralise
from relais.sellout.ingest.fields import SALE_COLUMNS
from relais.sellout.models import DeclarationLine, ImportRowError, SelloutImport

# (header, value path) of each column: the declaration and partner, the sale's date, product and values.
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
__all__ = ["COLUMNS", "export_filename", "lines_csv_stream", "lines_xlsx", "neutralise"]


def _rows(lines: QuerySet[DeclarationLine]) -> Iterator[list[Any]]:
    paths = [path for _name, path in COLUMNS]
    for values in lines.order_by("sale_date", "pk").values_list(*paths).iterator(chunk_size=2000):
        yield [neutralise(v) for v in values]


class _Echo:
    def write(self, value: str) -> str:
        return value


def lines_csv_stream(lines: QuerySet[DeclarationLine]) -> Iterable[str]:
    """CSV text chunks (header first), for a StreamingHttpResponse: the export never sits whole in memory."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([name for name, _path in COLUMNS])  # BOM: Excel opens UTF-8 right
    for row in _rows(lines):
        yield writer.writerow(["" if v is None else v for v in row])


def lines_xlsx(lines: QuerySet[DeclarationLine]) -> bytes:
    """The lines as an XLSX workbook (openpyxl write-only mode, constant memory per row)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Sell-out lines")[:31])
    sheet.append([name for name, _path in COLUMNS])
    for row in _rows(lines):
        sheet.append(
            [
                float(v)
                if isinstance(v, Decimal)
                else ILLEGAL_CHARACTERS_RE.sub("", v)
                if isinstance(v, str)
                else v
                for v in row
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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

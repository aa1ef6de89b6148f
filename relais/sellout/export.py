"""Export of declaration lines for the brand, as CSV or XLSX.

Text typed by partners (invoice refs, segments, feedback) could start with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return and be run as a formula by a spreadsheet (CSV/formula injection). Such text cells get
a leading apostrophe; numbers and dates are written as numbers and dates and are left alone.
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

from relais.sellout.models import DeclarationLine

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

COLUMNS: list[tuple[str, str]] = [
    ("declaration", "declaration_id"),
    ("partner_code", "partner__code"),
    ("partner", "partner__name"),
    ("sale_date", "sale_date"),
    ("gtin", "gtin"),
    ("product", "product__name"),
    ("quantity", "quantity"),
    ("unit_price", "unit_price"),
    ("amount", "amount"),
    ("currency", "currency"),
    ("channel", "channel"),
    ("invoice_ref", "invoice_ref"),
    ("customer_type", "customer_type"),
    ("customer_postcode_area", "customer_postcode_area"),
    ("customer_segment", "customer_segment"),
    ("feedback", "feedback"),
    ("status", "status"),
    ("flag_reason", "flag_reason"),
    ("source", "declaration__source"),
]


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula gets a leading apostrophe; others unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


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
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

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

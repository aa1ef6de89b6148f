"""CSV and XLSX exports of the dashboard's breakdowns, in the reader's language.

A small table (one row per month, segment or partner), so it is built in one go. Text cells that a
spreadsheet would read as a formula are neutralised with a leading apostrophe; numbers are written as numbers,
with the reader's decimal separator in CSV (``;`` and a decimal comma for a French reader, see
``relais.core.exports``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
from django.utils import translation

from relais.core.exports import BOM, ExportDialect, export_dialect, neutralise, xlsx_stream


def _csv_cell(value: Any, dialect: ExportDialect) -> Any:
    if isinstance(value, bool) or value is None:
        return "" if value is None else value
    if isinstance(value, (Decimal, float)):
        text = str(value)
        return text.replace(".", ",") if dialect.decimal_comma else text
    if isinstance(value, date):
        return value.strftime(dialect.date_format)
    return neutralise(value)


def rows_to_csv(
    *, header: Sequence[str], rows: Sequence[Sequence[Any]], language: str | None = None
) -> bytes:
    """The table as CSV (UTF-8 with BOM) in ``language``'s dialect (default: the active language)."""
    dialect = export_dialect(language or translation.get_language())
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.separator)
    writer.writerow([neutralise(str(h)) for h in header])
    for row in rows:
        writer.writerow([_csv_cell(v, dialect) for v in row])
    return (BOM + buffer.getvalue()).encode("utf-8")


def _column_dtype(values: list[Any]) -> Any:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return pl.Int64
    if present and all(isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) for v in present):
        return pl.Float64
    if present and all(isinstance(v, date) for v in present):
        return pl.Date
    return pl.String


def rows_to_xlsx(
    *,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    title: str = "Export",
    language: str | None = None,
) -> bytes:
    """The table as an XLSX workbook: numbers as numbers, dates as dates in the reader's format."""
    dialect = export_dialect(language or translation.get_language())
    columns = [f"c{i}" for i in range(len(header))]
    by_column = [[row[i] for row in rows] for i in range(len(header))]
    schema = {name: _column_dtype(values) for name, values in zip(columns, by_column, strict=True)}
    data = {
        name: [None if v is None else (float(v) if schema[name] == pl.Float64 else v) for v in values]
        if schema[name] != pl.String
        else [None if v is None else str(v) for v in values]
        for name, values in zip(columns, by_column, strict=True)
    }
    frame = pl.DataFrame(data, schema=schema)
    return b"".join(xlsx_stream(header=header, frames=[frame], dialect=dialect, title=title))

"""Spreadsheets (XLSX, XLSM, XLS, ODS) through calamine: the first sheet that has cells, row by row.

Rows keep the number the spreadsheet shows: calamine starts a sheet at its first used cell, so the empty
rows and columns before it are put back.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
from django.utils.translation import gettext as _
from python_calamine import CalamineSheet, CalamineWorkbook

from relais.core.errors import ApplicationError
from relais.core.tabular.layout import TableLayout

_EXACT_FLOAT_LIMIT = 2**53
# A workbook is a zip: its parts are checked before calamine reads them, which it does whole, in memory
# (python-calamine 0.9 has no streaming reader). A sheet of 1,048,576 rows of a sell-out export is about
# 150 MB of XML; a zip bomb is a few hundred KB that would inflate to gigabytes.
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed of one part; a real sheet is 5 to 30
_RATIO_FROM_BYTES = 4 * 1024 * 1024  # small parts may compress better (styles, shared strings)
MAX_ROWS = 1_048_576  # Excel's own limit
_READ_BYTES = 1024 * 1024
# A formula cell saved without its computed value (written by a program, never opened in Excel).
_FORMULA_WITHOUT_VALUE = re.compile(
    rb'<c r="([A-Z]+[0-9]+)"[^>]*>\s*<f[^>]*>[^<]*</f>\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>'
)


def _unreadable(exc: Exception) -> ApplicationError:
    return ApplicationError(_("This spreadsheet cannot be read: %(error)s") % {"error": str(exc)[:200]})


class SheetRows:
    """Rows of a sheet from its first line and column, whatever calamine skipped.

    Calamine's range starts at the first used cell. Its row iterator (python-calamine 0.9) puts back the
    empty rows above that cell but not the empty columns before it; the first row it yields tells which.
    """

    def __init__(self, sheet: CalamineSheet) -> None:
        self.sheet = sheet

    def iter_rows(self) -> Iterator[list[Any]]:
        """Each row as calamine gives its cells, the leading empty rows as ``[]``."""
        start_row, start_col = self.sheet.start or (0, 0)
        try:
            rows = iter(self.sheet.iter_rows())
            first = next(rows, None)
            if first is None:
                return
            if start_row and any(c not in ("", None) for c in first):
                yield from ([] for _i in range(start_row))
            # Rows as wide as the range: the columns before its first cell are missing.
            skip_cols = start_col if len(first) == self.sheet.width else 0
            for row in itertools.chain([first], rows):
                yield [None] * skip_cols + list(row)
        except Exception as exc:  # calamine raises its own errors for a sheet broken past its start
            raise _unreadable(exc) from exc


def _too_big() -> ApplicationError:
    return ApplicationError(
        _(
            "This spreadsheet is too large once uncompressed (more than %(limit)s MB) to be imported; "
            "send it as CSV or split it."
        )
        % {"limit": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}
    )


def workbook_check(path: Path, *, max_columns: int) -> None:
    """Refuse, before it is read, a workbook too large once uncompressed (zip bomb), with a formula cell
    saved without its value, or with more rows or columns than a table can have.

    The zip's declared sizes are checked first, then its parts are inflated in a stream, which Python's
    ``zipfile`` stops at the declared size (a part that lies about it fails its CRC check).
    """
    if not zipfile.is_zipfile(path):
        return  # legacy .xls (OLE): calamine reads it; no zip to inflate
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED_BYTES or any(
                i.file_size > _RATIO_FROM_BYTES and i.file_size > MAX_RATIO * max(1, i.compress_size)
                for i in infos
            ):
                raise _too_big()
            for info in infos:
                if info.filename.startswith(("xl/worksheets/", "content.xml")):
                    _part_check(archive, info)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise _unreadable(exc) from exc
    last_row, last_column = first_sheet(path).sheet.end or (-1, -1)  # 0-based, from A1
    rows, columns = last_row + 1, last_column + 1
    if rows > MAX_ROWS or columns > max_columns:
        raise ApplicationError(
            _(
                "This spreadsheet has %(rows)s rows and %(columns)s columns; an import takes at most "
                "%(max_rows)s rows and %(max_columns)s columns."
            )
            % {
                "rows": rows,
                "columns": columns,
                "max_rows": MAX_ROWS,
                "max_columns": max_columns,
            }
        )


def _part_check(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Inflate one sheet part in a stream (bounded by its declared size): CRC checked, formula cells
    without a value refused."""
    tail = b""
    inflated = 0
    with archive.open(info) as part:
        while chunk := part.read(_READ_BYTES):
            inflated += len(chunk)
            if inflated > info.file_size:  # a part that inflates past the size it declares
                raise _too_big()
            window = tail + chunk
            if b"<f" in window:
                found = _FORMULA_WITHOUT_VALUE.search(window)
                if found:
                    raise ApplicationError(
                        _(
                            "Cell %(cell)s has a formula without a computed value; save the file in Excel "
                            "and send it again."
                        )
                        % {"cell": found.group(1).decode()}
                    )
            tail = window[-4096:]


def first_sheet(source: Path | bytes) -> SheetRows:
    """The first sheet with cells of a workbook on disk (``Path``) or in memory (``bytes``)."""
    try:
        if isinstance(source, Path):
            workbook = CalamineWorkbook.from_path(str(source))
        else:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(source))
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            if sheet.height > 0:
                return SheetRows(sheet)
    except Exception as exc:  # calamine raises its own errors for broken zips, encrypted files...
        raise _unreadable(exc) from exc
    raise ApplicationError(_("The file is empty."))


def cell_value(value: object) -> object:
    """A cell as an import of master data reads it: integral floats as ints (GTINs), dates as ISO text."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < _EXACT_FLOAT_LIMIT:
        return int(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip()
    return value


def cell_text(value: object) -> str:
    """A cell as the text a partner would see: integers without '.0', dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".10f").rstrip("0").rstrip(".")
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def workbook_rows(content: bytes) -> list[tuple[int, list[object]]]:
    """Every row of the first sheet as ``(row number, typed cells)`` (``cell_value``)."""
    sheet = first_sheet(content)
    return [(index + 1, [cell_value(v) for v in row]) for index, row in enumerate(sheet.iter_rows())]


def workbook_head(path: Path, count: int) -> list[list[str]]:
    """The first ``count`` rows of the first sheet, as text (``cell_text``)."""
    rows: list[list[str]] = []
    for index, raw in enumerate(first_sheet(path).iter_rows()):
        rows.append([cell_text(v) for v in raw])
        if index + 1 >= count:
            break
    return rows


def workbook_batches(table: TableLayout, size: int) -> Iterator[pl.DataFrame]:
    """The data rows of a workbook on disk after its header, ``size`` at a time (see ``Table.batches``)."""
    assert table.path is not None
    width = len(table.headers)
    buffer: list[list[str]] = []
    first_row = table.header_row + 1
    for index, raw in enumerate(first_sheet(table.path).iter_rows()):
        if index < table.header_row:
            continue
        buffer.append(pad([cell_text(v) for v in raw], width))
        if len(buffer) >= size:
            yield text_frame(buffer, table.columns, first_row)
            first_row += len(buffer)
            buffer = []
    if buffer:
        yield text_frame(buffer, table.columns, first_row)


def pad(row: list[str], width: int) -> list[str]:
    """A row cut or padded with empty cells to ``width``."""
    return (row + [""] * width)[:width]


def text_frame(rows: list[list[str]], columns: list[str], first_row: int) -> pl.DataFrame:
    """Rows of text as string columns ``columns`` plus ``__row``, numbered from ``first_row``."""
    frame = pl.DataFrame(rows, schema=dict.fromkeys(columns, pl.String), orient="row")
    return frame.with_columns(
        pl.int_range(first_row, first_row + frame.height, dtype=pl.Int64).alias("__row")
    )

"""The ``Table`` every import reads: a header, where it is, and the data rows under it.

Two ways in. ``table_read`` reads a small file whole (partners, catalogue, objectives: a few thousand rows)
with typed spreadsheet cells, the first non-empty row as the header. ``table_open`` opens a file of any size
on disk and reads only its head (layout, header row, preview); its data rows come in batches of polars
frames, so memory stays bounded (sell-out files of millions of lines). Both detect the format, the encoding
and the delimiter the same way (``sniff``). Rows keep the number they have in the file (1 = the first line,
title lines included): the number an error report quotes for the person who fixes the file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.utils.translation import gettext as _

from relais.core.errors import ApplicationError
from relais.core.tabular import delimited, sniff, workbook
from relais.core.tabular.headers import first_filled_row, unique_headers

HEAD_BYTES = 256 * 1024
HEAD_ROWS = 80  # rows looked at to find the header (title lines may sit above it) and the delimiter
PREVIEW_ROWS = 50
# Widest table a file may have; a line wider than this is refused before it is split into cells.
MAX_COLUMNS = 1000

HeaderRowFind = Callable[[list[list[str]]], int]


@dataclass
class Table:
    """A file opened for import: its layout, a preview, and its data rows (whole, or in batches)."""

    headers: list[str]
    # ``table_read``: every data row as (row number in the file, cells). ``table_open``: empty, see batches().
    rows: list[tuple[int, list[object]]] = field(default_factory=list)
    header_row: int = 1  # 1-based line of the header in the file
    path: Path | None = None  # the file on disk (``table_open``)
    kind: str = "csv"  # "csv" or "xlsx" (any spreadsheet)
    preview: list[list[str]] = field(default_factory=list)  # first data rows, as text
    encoding: str = "utf-8"
    delimiter: str = ","
    data_offset: int = 0  # CSV on disk: byte offset (utf-8) or character offset of the first data line
    # What was cleaned while reading (NUL bytes removed, lines read as cp1252), for the import's result;
    # filled as the batches are read.
    warnings: list[str] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        """The names of the data columns in ``batches``: ``c0..cN``, one per header."""
        return [f"c{i}" for i in range(len(self.headers))]

    def batches(self, size: int = 200_000) -> Iterator[pl.DataFrame]:
        """Data rows after the header, as string columns ``c0..cN`` plus ``__row`` (file row number)."""
        if self.path is None:
            yield from self._rows_batches(size)
        elif self.kind == "xlsx":
            yield from workbook.workbook_batches(self, size)
        else:
            yield from delimited.csv_batches(self, size)

    def _rows_batches(self, size: int) -> Iterator[pl.DataFrame]:
        """The rows of a table read whole, as text (blank rows were dropped: ``__row`` has gaps)."""
        width = len(self.headers)
        schema = dict.fromkeys(self.columns, pl.String)
        for start in range(0, len(self.rows), size):
            chunk = self.rows[start : start + size]
            cells = [workbook.pad([workbook.cell_text(c) for c in row], width) for _n, row in chunk]
            frame = pl.DataFrame(cells, schema=schema, orient="row")
            yield frame.with_columns(pl.Series("__row", [n for n, _row in chunk], dtype=pl.Int64))


def _text_preview(rows: Sequence[tuple[int, list[object]]], width: int) -> list[list[str]]:
    return [workbook.pad([workbook.cell_text(c) for c in cells], width) for _n, cells in rows[:PREVIEW_ROWS]]


def _blank(cells: list[object]) -> bool:
    return all(c == "" or c is None for c in cells)


def _decode(content: bytes) -> tuple[str, str]:
    """The text of a whole file and its encoding (``sniff.detect_encoding``, UTF-8 confirmed over all of it)."""
    encoding = sniff.detect_encoding(content[:HEAD_BYTES])
    if encoding == "utf-8":
        encoding = sniff.confirm_utf8([content])
    return content.decode(encoding, errors="replace"), encoding


def table_read(*, content: bytes, filename: str = "") -> Table:
    """Parse a CSV (delimiter and encoding detected) or a spreadsheet (XLSX, XLS, ODS: first sheet) whole.

    The first non-empty row is the header; fully empty rows are skipped but still counted. Spreadsheet
    cells are typed (``workbook.cell_value``: integral numbers as ints, dates as ISO text).
    """
    if sniff.is_spreadsheet(content) or Path(filename).suffix.lower() in sniff.SPREADSHEET_SUFFIXES:
        kind, encoding, delimiter = "xlsx", "utf-8", ","
        raw_rows = workbook.workbook_rows(content)
    else:
        text, encoding = _decode(content)
        sample = [line for line in text.splitlines()[:HEAD_ROWS] if line.strip()]
        kind, delimiter = "csv", sniff.detect_delimiter(sample)
        raw_rows = delimited.csv_rows(text, delimiter)
    rows = [(n, cells) for n, cells in raw_rows if not _blank(cells)]
    if not rows:
        raise ApplicationError(_("The file is empty."))
    header_row, header_cells = rows[0]
    headers = [str(h).strip() for h in header_cells]
    return Table(
        headers=headers,
        rows=rows[1:],
        header_row=header_row,
        kind=kind,
        preview=_text_preview(rows[1:], len(headers)),
        encoding=encoding,
        delimiter=delimiter,
    )


def table_read_path(path: str | Path) -> Table:
    """``table_read`` on a file on disk."""
    path = Path(path)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ApplicationError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}) from exc
    return table_read(content=content, filename=path.name)


def table_open(
    path: str | os.PathLike[str],
    *,
    header_row_find: HeaderRowFind = first_filled_row,
    max_columns: int = MAX_COLUMNS,
) -> Table:
    """Open a file of any size: detect its format, encoding, delimiter and header row; read only its head.

    ``header_row_find`` picks the header among the first rows, as text (0-based index); by default the
    first row with a cell. Headers are made unique and non-empty; a header of more than ``max_columns``
    cells is refused, counted on the raw line before it is split. A spreadsheet is checked before it is
    read (``workbook.workbook_check``: decompressed size, rows, columns). Raises ``ApplicationError``.
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as exc:
        raise ApplicationError(_("The file could not be opened.")) from exc
    if not head.strip():
        raise ApplicationError(_("The file is empty."))
    if sniff.is_spreadsheet(head):
        return _open_workbook(path, header_row_find, max_columns)
    return _open_csv(path, head, header_row_find, max_columns)


def _too_wide(line_number: int, max_columns: int) -> ApplicationError:
    return ApplicationError(
        _(
            "Line %(row)s of the file has more than %(limit)s columns: this is not a table that can be imported."
        )
        % {"row": line_number, "limit": max_columns}
    )


def _head_rows(lines: list[str], delimiter: str, max_columns: int) -> list[list[str]]:
    """The first lines split into cells; a line with more delimiters than ``max_columns`` is cut first
    (its cells past the limit are never made), so a line of 300,000 delimiters costs one count."""
    rows = []
    for line in lines[:HEAD_ROWS]:
        if line.count(delimiter) >= max_columns:
            line = delimiter.join(line.split(delimiter, max_columns + 1)[: max_columns + 1])
        rows.append(sniff.split_line(line, delimiter))
    return rows


def _open_csv(path: Path, head: bytes, header_row_find: HeaderRowFind, max_columns: int) -> Table:
    encoding = sniff.detect_encoding(head)
    if encoding == "utf-8" and len(head) == HEAD_BYTES:
        encoding = sniff.confirm_utf8(sniff.file_chunks(path))
    text = head.decode(encoding, errors="replace").replace("\x00", "")
    if len(head) == HEAD_BYTES:  # the last line may be cut
        text = text[: text.rfind("\n") + 1] or text
    lines = text.splitlines()
    sample = [line for line in lines[:HEAD_ROWS] if line.strip()]
    if not sample:
        raise ApplicationError(_("The file is empty."))
    delimiter = sniff.detect_delimiter(sample)
    rows = _head_rows(lines, delimiter, max_columns)
    header_index = header_row_find(rows)
    if len(rows[header_index]) > max_columns:
        raise _too_wide(header_index + 1, max_columns)
    headers = unique_headers(rows[header_index])
    return Table(
        path=path,
        kind="csv",
        headers=headers,
        header_row=header_index + 1,
        preview=_data_preview(rows, header_index, len(headers)),
        encoding=encoding,
        delimiter=delimiter,
        data_offset=delimited.offset_after_lines(path, encoding, header_index + 1),
    )


def _open_workbook(path: Path, header_row_find: HeaderRowFind, max_columns: int) -> Table:
    workbook.workbook_check(path, max_columns=max_columns)
    rows = workbook.workbook_head(path, HEAD_ROWS + 1)
    if not any(any(r) for r in rows):
        raise ApplicationError(_("The file is empty."))
    header_index = header_row_find(rows)
    if len(rows[header_index]) > max_columns:
        raise _too_wide(header_index + 1, max_columns)
    headers = unique_headers(rows[header_index])
    return Table(
        path=path,
        kind="xlsx",
        headers=headers,
        header_row=header_index + 1,
        preview=_data_preview(rows, header_index, len(headers)),
    )


def _data_preview(rows: list[list[str]], header_index: int, width: int) -> list[list[str]]:
    data = rows[header_index + 1 : header_index + 1 + PREVIEW_ROWS]
    return [workbook.pad(r, width) for r in data if any(r)]

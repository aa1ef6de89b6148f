"""Reading a partner's file as it comes: CSV in any delimiter and common encodings, or a spreadsheet.

Everything is read as text; typing happens in ``validate`` where each failure can name its field. Big CSV
files are read in blocks cut at line ends, so memory stays bounded whatever the file size; each block is
parsed by polars. Row numbers are the file's own (1 = first line of the file, title lines included).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl
from django.utils.translation import gettext as _

from relais.core.errors import ApplicationError
from relais.sellout.ingest.mapping import find_header_row

DELIMITERS = [";", ",", "\t", "|"]
HEAD_BYTES = 256 * 1024
# cp1252 leaves these bytes undefined: a file using them is latin-1 (or something we read as latin-1).
_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_COLUMNS = 200


@dataclass
class Table:
    """A file opened for import: its layout, a preview, and a way to read its data rows in batches."""

    path: Path
    kind: str  # "csv" or "xlsx"
    headers: list[str]
    header_row: int  # 1-based line of the header in the file
    preview: list[list[str]] = field(default_factory=list)  # first data rows, as text
    encoding: str = "utf-8"
    delimiter: str = ","
    _data_offset: int = 0  # CSV: byte offset (utf-8 files) or character offset of the first data line

    @property
    def columns(self) -> list[str]:
        return [f"c{i}" for i in range(len(self.headers))]

    def batches(self, size: int = 200_000) -> Iterator[pl.DataFrame]:
        """Data rows after the header, as string columns ``c0..cN`` plus ``__row`` (file row number)."""
        if self.kind == "xlsx":
            yield from _xlsx_batches(self, size)
        else:
            yield from _csv_batches(self, size)


def open_table(path: str | os.PathLike[str]) -> Table:
    """Open a file, detect its format, encoding, delimiter and header row. Raises ``ApplicationError``."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as exc:
        raise ApplicationError(_("The file could not be opened.")) from exc
    if not head.strip():
        raise ApplicationError(_("The file is empty."))
    if head.startswith(ZIP_MAGIC) or head.startswith(OLE_MAGIC):
        return _open_spreadsheet(path)
    return _open_csv(path, head)


# --- CSV -------------------------------------------------------------------------------------------------


def detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    if b"\x00" in head[:4096]:
        raise ApplicationError(_("This does not look like a text (CSV) file or a spreadsheet."))
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if any(b in _CP1252_UNDEFINED for b in head):
        return "latin-1"
    return "cp1252"


def _confirm_utf8(path: Path, chunk_bytes: int = 4 * 1024 * 1024) -> str:
    """The encoding of a file whose first ``HEAD_BYTES`` read as UTF-8, checked over the whole file.

    An ERP export in cp1252 is often plain ASCII for thousands of lines before the first accent; read as
    UTF-8 its accents would silently become U+FFFD. One streaming pass (about 1 GB/s) decides.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    undefined = False
    utf8 = True
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_bytes):
            if utf8:
                try:
                    decoder.decode(chunk, final=False)
                except UnicodeDecodeError:
                    utf8 = False
            if not utf8:
                undefined = undefined or any(b in _CP1252_UNDEFINED for b in set(chunk))
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    if utf8:
        return "utf-8"
    return "latin-1" if undefined else "cp1252"


def detect_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the most lines into the same, largest number of fields."""
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        counts = []
        for line in lines:
            try:
                counts.append(len(next(csv.reader([line], delimiter=delimiter))) - 1)
            except (csv.Error, StopIteration):
                counts.append(0)
        positive = [c for c in counts if c > 0]
        if not positive:
            continue
        mode = max(set(positive), key=lambda c: (positive.count(c), c))
        score = (positive.count(mode), mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _open_csv(path: Path, head: bytes) -> Table:
    encoding = detect_encoding(head)
    if encoding == "utf-8" and len(head) == HEAD_BYTES:
        encoding = _confirm_utf8(path)
    text = head.decode(encoding, errors="replace")
    if len(head) == HEAD_BYTES:  # the last line may be cut
        text = text[: text.rfind("\n") + 1] or text
    lines = text.splitlines()
    sample = [line for line in lines[:80] if line.strip()]
    if not sample:
        raise ApplicationError(_("The file is empty."))
    delimiter = detect_delimiter(sample)
    rows = [_split(line, delimiter) for line in lines[:80]]
    header_index = find_header_row(rows)
    headers = unique_headers(rows[header_index])
    if len(headers) > MAX_COLUMNS:
        raise ApplicationError(_("The file has too many columns to be a sell-out file."))
    preview = [_pad(r, len(headers)) for r in rows[header_index + 1 : header_index + 51] if any(r)]
    table = Table(
        path=path,
        kind="csv",
        headers=headers,
        header_row=header_index + 1,
        preview=preview,
        encoding=encoding,
        delimiter=delimiter,
    )
    table._data_offset = _offset_after_lines(path, encoding, header_index + 1)
    return table


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return [c.strip() for c in next(csv.reader([line], delimiter=delimiter))]
    except (csv.Error, StopIteration):
        return [line]


def _pad(row: list[str], width: int) -> list[str]:
    return (row + [""] * width)[:width]


def unique_headers(cells: list[Any]) -> list[str]:
    """Header cells made unique and non-empty ('Montant', 'Montant (2)', 'Column 5')."""
    while cells and not str(cells[-1]).strip():
        cells = cells[:-1]
    seen: dict[str, int] = {}
    headers = []
    for index, cell in enumerate(cells):
        name = str(cell).strip() or _("Column %(number)d") % {"number": index + 1}
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        headers.append(name)
    if not headers:
        raise ApplicationError(_("No header row was found in the file."))
    return headers


def _offset_after_lines(path: Path, encoding: str, count: int) -> int:
    """Byte offset (utf-8) or character offset (other encodings) just after ``count`` lines."""
    if encoding == "utf-8":
        with path.open("rb") as handle:
            for _i in range(count):
                if not handle.readline():
                    break
            return handle.tell()
    with path.open("r", encoding=encoding, errors="replace", newline="") as handle:
        consumed = 0
        for _i in range(count):
            line = handle.readline()
            if not line:
                break
            consumed += len(line)
        return consumed


def _text_blocks(table: Table, block_chars: int) -> Iterator[bytes]:
    """UTF-8 byte blocks of whole lines, from the first data line to the end of the file."""
    if table.encoding == "utf-8":
        with table.path.open("rb") as handle:
            handle.seek(table._data_offset)
            rest = b""
            while True:
                chunk = handle.read(block_chars)
                if not chunk:
                    break
                chunk = rest + chunk
                cut = chunk.rfind(b"\n")
                if cut < 0:
                    rest = chunk
                    continue
                rest = chunk[cut + 1 :]
                yield chunk[: cut + 1]
            if rest.strip():
                yield rest
        return
    with table.path.open("r", encoding=table.encoding, errors="replace", newline="") as text_handle:
        text_handle.read(table._data_offset)
        rest_text = ""
        while True:
            text = text_handle.read(block_chars)
            if not text:
                break
            text = rest_text + text
            cut = text.rfind("\n")
            if cut < 0:
                rest_text = text
                continue
            rest_text = text[cut + 1 :]
            yield text[: cut + 1].encode("utf-8")
        if rest_text.strip():
            yield rest_text.encode("utf-8")


def _parse_block(block: bytes, table: Table) -> pl.DataFrame:
    schema = dict.fromkeys(table.columns, pl.String)
    try:
        frame = pl.read_csv(
            io.BytesIO(block),
            has_header=False,
            separator=table.delimiter,
            schema=schema,
            infer_schema=False,
            truncate_ragged_lines=True,
            encoding="utf8-lossy",
            raise_if_empty=False,
            quote_char='"',
        )
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise ApplicationError(
            _("The file could not be read as CSV: %(error)s") % {"error": str(exc).splitlines()[0][:200]}
        ) from exc
    return frame.with_columns(pl.col(c).str.strip_chars() for c in table.columns)


def _csv_batches(table: Table, size: int) -> Iterator[pl.DataFrame]:
    """Exact batches of ``size`` rows, re-cut from the frames of ``_csv_frames``."""
    pending: pl.DataFrame | None = None
    for frame in _csv_frames(table, size):
        pending = frame if pending is None else pl.concat([pending, frame])
        while pending.height >= size:
            yield pending.slice(0, size)
            pending = pending.slice(size)
    if pending is not None and pending.height:
        yield pending


def _csv_frames(table: Table, size: int) -> Iterator[pl.DataFrame]:
    # Blocks of about ``size`` rows (from the length of a preview line), each parsed by polars.
    preview = table.preview[:50]
    line_bytes = max(16, int(sum(len(";".join(r)) for r in preview) / max(1, len(preview))))
    block_chars = max(4096, min(256 * 1024 * 1024, size * (line_bytes + 2)))
    next_row = table.header_row + 1
    blocks = _text_blocks(table, block_chars)
    for block in blocks:
        try:
            frame = _parse_block(block, table)
        except ApplicationError:
            if b'"' not in block:
                raise
            frame = None  # a quoted cell left open at the end of the block: it goes on in the next one
        expected = block.count(b"\n") + (0 if block.endswith(b"\n") else 1)
        if frame is None or frame.height != expected:
            # Quoted line breaks inside cells (a comment typed on two lines): from this block on, the
            # records are read with Python's csv module, which follows the quotes across lines and across
            # blocks, each numbered with the file line it starts on.
            records = _records_with_line_breaks(itertools.chain([block], blocks), table, first_row=next_row)
            yield from _frames_of(records, table, size)
            return
        yield frame.with_columns(
            pl.int_range(next_row, next_row + frame.height, dtype=pl.Int64).alias("__row")
        )
        next_row += frame.height


def _records_with_line_breaks(
    blocks: Iterator[bytes], table: Table, *, first_row: int
) -> Iterator[tuple[int, list[str]]]:
    """``(file row, cells)`` of each record; a record may span several lines (line breaks within quotes)."""

    def lines() -> Iterator[str]:
        for block in blocks:
            text = block.decode("utf-8", errors="replace")
            start = 0
            while start < len(text):  # on "\n" only: str.splitlines() also breaks on \x0c, \x1c, \u2028...
                end = text.find("\n", start)
                end = len(text) if end < 0 else end + 1
                yield text[start:end]
                start = end

    rows = csv.reader(lines(), delimiter=table.delimiter, quotechar='"')
    width = len(table.columns)
    lines_before = 0
    try:
        for record in rows:
            row = first_row + lines_before
            lines_before = rows.line_num
            cells = [cell.strip() for cell in record[:width]]
            yield row, cells + [""] * (width - len(cells))
    except csv.Error as exc:
        raise ApplicationError(
            _("The file could not be read as CSV after line %(row)s: %(error)s")
            % {"row": first_row + lines_before, "error": str(exc)[:200]}
        ) from exc


def _frames_of(records: Iterator[tuple[int, list[str]]], table: Table, size: int) -> Iterator[pl.DataFrame]:
    schema = {**dict.fromkeys(table.columns, pl.String), "__row": pl.Int64}
    chunk: list[list[Any]] = []
    for row, cells in records:
        chunk.append([*(cell or None for cell in cells), row])
        if len(chunk) >= size:
            yield pl.DataFrame(chunk, schema=schema, orient="row")
            chunk = []
    if chunk:
        yield pl.DataFrame(chunk, schema=schema, orient="row")


# --- Spreadsheets (XLSX, XLS, ODS via calamine) ------------------------------------------------------------


def _open_spreadsheet(path: Path) -> Table:
    sheet = _first_sheet(path)
    rows: list[list[str]] = []
    try:
        for index, raw in enumerate(sheet.iter_rows()):
            rows.append([cell_text(v) for v in raw])
            if index >= 80:
                break
    except Exception as exc:
        raise ApplicationError(_("The spreadsheet could not be read.")) from exc
    if not any(any(r) for r in rows):
        raise ApplicationError(_("The file is empty."))
    header_index = find_header_row(rows)
    headers = unique_headers(rows[header_index])
    if len(headers) > MAX_COLUMNS:
        raise ApplicationError(_("The file has too many columns to be a sell-out file."))
    preview = [_pad(r, len(headers)) for r in rows[header_index + 1 : header_index + 51] if any(r)]
    return Table(path=path, kind="xlsx", headers=headers, header_row=header_index + 1, preview=preview)


def _first_sheet(path: Path) -> Any:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            if sheet.height > 0:
                return _SheetRows(sheet)
    except Exception as exc:  # calamine raises its own errors for broken zips, encrypted files...
        raise ApplicationError(_("The spreadsheet could not be read.")) from exc
    raise ApplicationError(_("The file is empty."))


class _SheetRows:
    """Rows of a sheet from its first line (calamine starts at the first used cell)."""

    def __init__(self, sheet: Any) -> None:
        self.sheet = sheet
        start: tuple[int, int] = sheet.start or (0, 0)
        self.skip_rows, self.skip_cols = start

    def iter_rows(self) -> Iterator[list[Any]]:
        for _i in range(self.skip_rows):
            yield []
        for row in self.sheet.iter_rows():
            yield [None] * self.skip_cols + list(row)


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a partner would see: integers without '.0', dates in ISO form."""
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


def _xlsx_batches(table: Table, size: int) -> Iterator[pl.DataFrame]:
    sheet = _first_sheet(table.path)
    width = len(table.headers)
    buffer: list[list[str]] = []
    first_row = table.header_row + 1
    try:
        for index, raw in enumerate(sheet.iter_rows()):
            if index < table.header_row:
                continue
            buffer.append(_pad([cell_text(v) for v in raw], width))
            if len(buffer) >= size:
                yield _frame(buffer, table.columns, first_row)
                first_row += len(buffer)
                buffer = []
    except ApplicationError:
        raise
    except Exception as exc:
        raise ApplicationError(_("The spreadsheet could not be read.")) from exc
    if buffer:
        yield _frame(buffer, table.columns, first_row)


def _frame(rows: list[list[str]], columns: list[str], first_row: int) -> pl.DataFrame:
    frame = pl.DataFrame(rows, schema=dict.fromkeys(columns, pl.String), orient="row")
    return frame.with_columns(
        pl.int_range(first_row, first_row + frame.height, dtype=pl.Int64).alias("__row")
    )


def save_upload(source: BinaryIO, destination: Path) -> str:
    """Copy an upload to disk in chunks and return its sha256."""
    import hashlib

    digest = hashlib.sha256()
    with destination.open("wb") as out:
        while chunk := source.read(1024 * 1024):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()

"""Delimited text (CSV): read whole, or streamed in blocks cut at line ends and parsed by polars.

A record may span lines (a comment typed on two lines, in quotes): it is numbered with the file line it
starts on. A streamed file is parsed by polars block by block; from the first block where a quoted line
break shows, the rest is read with Python's ``csv`` module, which follows the quotes across lines and blocks.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
from django.utils.translation import gettext as _

from relais.core.errors import ApplicationError

if TYPE_CHECKING:
    from relais.core.tabular.table import Table

MAX_BLOCK_CHARS = 256 * 1024 * 1024


def _csv_error(exc: csv.Error, row: int) -> ApplicationError:
    return ApplicationError(
        _("The file could not be read as CSV after line %(row)s: %(error)s")
        % {"row": row, "error": str(exc)[:200]}
    )


def csv_rows(text: str, delimiter: str) -> list[tuple[int, list[object]]]:
    """Every record of a text as ``(file line it starts on, stripped cells)``."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[object]]] = []
    next_line = 1
    try:
        for record in reader:
            rows.append((next_line, [c.strip() for c in record]))
            next_line = reader.line_num + 1
    except csv.Error as exc:
        raise _csv_error(exc, next_line) from exc
    return rows


def offset_after_lines(path: Path, encoding: str, count: int) -> int:
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


def _utf8_blocks(path: Path, offset: int, block_chars: int) -> Iterator[bytes]:
    with path.open("rb") as handle:
        handle.seek(offset)
        rest = b""
        while chunk := handle.read(block_chars):
            chunk = rest + chunk
            cut = chunk.rfind(b"\n")
            if cut < 0:
                rest = chunk
                continue
            rest = chunk[cut + 1 :]
            yield chunk[: cut + 1]
        if rest.strip():
            yield rest


def _decoded_blocks(path: Path, encoding: str, offset: int, block_chars: int) -> Iterator[bytes]:
    with path.open("r", encoding=encoding, errors="replace", newline="") as handle:
        handle.read(offset)
        rest = ""
        while text := handle.read(block_chars):
            text = rest + text
            cut = text.rfind("\n")
            if cut < 0:
                rest = text
                continue
            rest = text[cut + 1 :]
            yield text[: cut + 1].encode("utf-8")
        if rest.strip():
            yield rest.encode("utf-8")


def text_blocks(table: Table, block_chars: int) -> Iterator[bytes]:
    """UTF-8 byte blocks of whole lines, from the first data line to the end of the file."""
    assert table.path is not None
    if table.encoding == "utf-8":
        return _utf8_blocks(table.path, table.data_offset, block_chars)
    return _decoded_blocks(table.path, table.encoding, table.data_offset, block_chars)


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


def csv_batches(table: Table, size: int) -> Iterator[pl.DataFrame]:
    """Exact batches of ``size`` rows, re-cut from the frames of ``_csv_frames`` (see ``Table.batches``)."""
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
    block_chars = max(4096, min(MAX_BLOCK_CHARS, size * (line_bytes + 2)))
    next_row = table.header_row + 1
    blocks = text_blocks(table, block_chars)
    for block in blocks:
        try:
            frame = _parse_block(block, table)
        except ApplicationError:
            if b'"' not in block:
                raise
            frame = None  # a quoted cell left open at the end of the block: it goes on in the next one
        expected = block.count(b"\n") + (0 if block.endswith(b"\n") else 1)
        if frame is None or frame.height != expected:
            # Quoted line breaks inside cells: from this block on, records are read with Python's csv.
            records = _records_with_line_breaks(itertools.chain([block], blocks), table, first_row=next_row)
            yield from _frames_of(records, table, size)
            return
        yield frame.with_columns(
            pl.int_range(next_row, next_row + frame.height, dtype=pl.Int64).alias("__row")
        )
        next_row += frame.height


def _lines(blocks: Iterator[bytes]) -> Iterator[str]:
    """The lines of UTF-8 blocks, each with its "\\n" (str.splitlines() also breaks on \\x0c, \\u2028...)."""
    for block in blocks:
        text = block.decode("utf-8", errors="replace")
        start = 0
        while start < len(text):
            end = text.find("\n", start)
            end = len(text) if end < 0 else end + 1
            yield text[start:end]
            start = end


def _records_with_line_breaks(
    blocks: Iterator[bytes], table: Table, *, first_row: int
) -> Iterator[tuple[int, list[str]]]:
    """``(file row, cells)`` of each record; a record may span several lines (line breaks within quotes)."""
    rows = csv.reader(_lines(blocks), delimiter=table.delimiter, quotechar='"')
    width = len(table.columns)
    lines_before = 0
    try:
        for record in rows:
            row = first_row + lines_before
            lines_before = rows.line_num
            cells = [cell.strip() for cell in record[:width]]
            yield row, cells + [""] * (width - len(cells))
    except csv.Error as exc:
        raise _csv_error(exc, first_row + lines_before) from exc


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

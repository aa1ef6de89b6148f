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
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from relais.core.errors import ApplicationError
from relais.core.tabular.layout import TableLayout
from relais.core.tabular.sniff import split_line

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


def _cleaned(blocks: Iterator[bytes], table: TableLayout) -> Iterator[bytes]:
    """Blocks of valid UTF-8 without NUL bytes; what was cleaned is said in ``table.warnings``.

    A NUL byte (an export tool's padding) is dropped: PostgreSQL cannot store it in text. In a UTF-8 file,
    a line that is not UTF-8 (one line pasted from a cp1252 file) is read as cp1252 rather than turned into
    "?" or mojibake. Each case names its first lines in the file.
    """
    line = table.header_row + 1
    nul_lines: list[int] = []
    recoded_lines: list[int] = []
    for block in blocks:
        if b"\x00" in block:
            nul_lines += _lines_with(block, b"\x00", line)
            block = block.replace(b"\x00", b"")
        if table.encoding == "utf-8":
            try:
                block.decode("utf-8")
            except UnicodeDecodeError:
                block = _recode_lines(block, line, recoded_lines)
        line += block.count(b"\n")
        yield block
    if nul_lines:
        table.warnings.append(
            _("NUL bytes were removed from %(count)s line(s) of the file (first: line %(lines)s).")
            % {"count": len(nul_lines), "lines": ", ".join(map(str, nul_lines[:5]))}
        )
    if recoded_lines:
        table.warnings.append(
            _(
                "%(count)s line(s) of this UTF-8 file were not UTF-8 and were read as Windows-1252 "
                "(first: line %(lines)s); check their accents."
            )
            % {"count": len(recoded_lines), "lines": ", ".join(map(str, recoded_lines[:5]))}
        )


def _lines_with(block: bytes, needle: bytes, first_line: int) -> list[int]:
    return [first_line + n for n, text in enumerate(block.split(b"\n")) if needle in text]


def _recode_lines(block: bytes, first_line: int, recoded: list[int]) -> bytes:
    """A block whose lines are UTF-8 except some: those decoded as cp1252 (latin-1 where it has no
    character), every line UTF-8 again."""
    out = []
    for n, text in enumerate(block.split(b"\n")):
        try:
            text.decode("utf-8")
        except UnicodeDecodeError:
            recoded.append(first_line + n)
            try:
                text = text.decode("cp1252").encode("utf-8")
            except UnicodeDecodeError:
                text = text.decode("latin-1").encode("utf-8")
        out.append(text)
    return b"\n".join(out)


def text_blocks(table: TableLayout, block_chars: int) -> Iterator[bytes]:
    """UTF-8 byte blocks of whole lines, from the first data line to the end of the file."""
    assert table.path is not None
    if table.encoding == "utf-8":
        blocks = _utf8_blocks(table.path, table.data_offset, block_chars)
    else:
        blocks = _decoded_blocks(table.path, table.encoding, table.data_offset, block_chars)
    return _cleaned(blocks, table)


def _wider_line(block: bytes, table: TableLayout, first_row: int) -> ApplicationError | None:
    """The clear error for the first line of a block with more cells than the header (polars refuses a
    block whose first line is wider than its schema); None when no line is."""
    delimiter = table.delimiter.encode()
    width = len(table.columns)
    for n, line in enumerate(block.split(b"\n")):
        cells = line.count(delimiter) + 1
        if cells > width and len(split_line(line.decode("utf-8", errors="replace"), table.delimiter)) > width:
            return ApplicationError(
                _(
                    "Line %(row)s has %(count)s cells; the header has %(limit)s columns, the most a row may have."
                )
                % {"row": first_row + n, "count": cells, "limit": width}
            )
    return None


def _parse_block(block: bytes, table: TableLayout, first_row: int = 0) -> pl.DataFrame:
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
        wider = _wider_line(block, table, first_row)
        if wider is not None:
            raise wider from exc
        raise ApplicationError(
            _("The file could not be read as CSV: %(error)s") % {"error": str(exc).splitlines()[0][:200]}
        ) from exc
    return frame.with_columns(pl.col(c).str.strip_chars() for c in table.columns)


def csv_batches(table: TableLayout, size: int) -> Iterator[pl.DataFrame]:
    """Exact batches of ``size`` rows, re-cut from the frames of ``_csv_frames`` (see ``Table.batches``)."""
    pending: pl.DataFrame | None = None
    for frame in _csv_frames(table, size):
        pending = frame if pending is None else pl.concat([pending, frame])
        while pending.height >= size:
            yield pending.slice(0, size)
            pending = pending.slice(size)
    if pending is not None and pending.height:
        yield pending


def _csv_frames(table: TableLayout, size: int) -> Iterator[pl.DataFrame]:
    # Blocks of about ``size`` rows (from the length of a preview line), each parsed by polars.
    preview = table.preview[:50]
    line_bytes = max(16, int(sum(len(";".join(r)) for r in preview) / max(1, len(preview))))
    block_chars = max(4096, min(MAX_BLOCK_CHARS, size * (line_bytes + 2)))
    next_row = table.header_row + 1
    blocks = text_blocks(table, block_chars)
    for block in blocks:
        try:
            frame = _parse_block(block, table, next_row)
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
    blocks: Iterator[bytes], table: TableLayout, *, first_row: int
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


def _frames_of(
    records: Iterator[tuple[int, list[str]]], table: TableLayout, size: int
) -> Iterator[pl.DataFrame]:
    schema = {**dict.fromkeys(table.columns, pl.String), "__row": pl.Int64}
    chunk: list[list[Any]] = []
    for row, cells in records:
        chunk.append([*(cell or None for cell in cells), row])
        if len(chunk) >= size:
            yield pl.DataFrame(chunk, schema=schema, orient="row")
            chunk = []
    if chunk:
        yield pl.DataFrame(chunk, schema=schema, orient="row")

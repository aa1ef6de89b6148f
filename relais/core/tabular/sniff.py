"""What a file is before it is read: a spreadsheet or text, and for text its encoding and delimiter."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from relais.core.errors import ApplicationError

DELIMITERS = [";", ",", "\t", "|"]
ZIP_MAGIC = b"PK\x03\x04"  # XLSX, XLSM, ODS
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
# cp1252 leaves these bytes undefined: a file using them is latin-1 (or something we read as latin-1).
_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}
_CHUNK_BYTES = 4 * 1024 * 1024


def is_spreadsheet(head: bytes) -> bool:
    """Whether the first bytes of a file are those of a workbook (zip container or OLE compound file)."""
    return head.startswith(ZIP_MAGIC) or head.startswith(OLE_MAGIC)


def detect_encoding(head: bytes) -> str:
    """The encoding of a text file from its first bytes: a BOM, else UTF-8 when they decode, else cp1252
    (what Excel writes in France), or latin-1 when they use bytes cp1252 leaves undefined."""
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


def confirm_utf8(chunks: Iterable[bytes]) -> str:
    """The encoding of a text whose first bytes read as UTF-8, checked over all of it.

    An ERP export in cp1252 is often plain ASCII for thousands of lines before the first accent; read as
    UTF-8 its accents would silently become U+FFFD. One streaming pass (about 1 GB/s) decides. A file that
    already had UTF-8 accents before its first invalid byte stays UTF-8 (read as cp1252 it would turn every
    "é" into "Ã©"): its odd lines are read one by one (``delimited``), with a warning.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    undefined = False
    utf8 = True
    accents = False
    for chunk in chunks:
        if utf8:
            try:
                decoder.decode(chunk, final=False)
            except UnicodeDecodeError as exc:
                utf8 = False
                accents = accents or not chunk[: exc.start].isascii()
            else:
                accents = accents or not chunk.isascii()
        if not utf8:
            if accents:
                return "utf-8"
            undefined = undefined or any(b in _CP1252_UNDEFINED for b in set(chunk))
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    if utf8 or accents:
        return "utf-8"
    return "latin-1" if undefined else "cp1252"


def file_chunks(path: Path, size: int = _CHUNK_BYTES) -> Iterator[bytes]:
    """The bytes of a file, ``size`` at a time."""
    with path.open("rb") as handle:
        while chunk := handle.read(size):
            yield chunk


def detect_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the most lines into the same, largest number of fields.

    Decimal commas do not mislead it on French files: "12,50" under a ";"-separated header splits the data
    lines on "," but not the header, so ";" splits more lines alike.
    """
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


def split_line(line: str, delimiter: str) -> list[str]:
    """The cells of one line (quotes respected), stripped; the whole line as one cell if it cannot be split."""
    try:
        return [c.strip() for c in next(csv.reader([line], delimiter=delimiter))]
    except (csv.Error, StopIteration):
        return [line]

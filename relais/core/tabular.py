"""Reading the tables brands and partners send: CSV in any usual delimiter and encoding, or XLSX/ODS.

Rows keep the number they have in the file (1 = the first line, so the header is row 1), which is the number
an error report must quote for the person who fixes the file in their spreadsheet.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from django.utils.translation import gettext as _

from relais.core.errors import ApplicationError

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls
_DELIMITERS = ";,\t|"
_EXACT_FLOAT_LIMIT = 2**53


@dataclass
class Table:
    """A header row and the data rows under it, each with its row number as in the file."""

    headers: list[str]
    rows: list[tuple[int, list[object]]] = field(default_factory=list)
    header_row: int = 1


def _cell(value: object) -> object:
    """Spreadsheet cells as an import reads them: integral floats as ints (GTINs), dates as ISO text."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < _EXACT_FLOAT_LIMIT:
        return int(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip()
    return value


def _blank(cells: list[object]) -> bool:
    return all(c == "" or c is None for c in cells)


def _decode(content: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes, else Windows-1252 (what Excel writes in France)."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most columns, the same number on every line.

    Decimal commas make ``csv.Sniffer`` hesitate between "," and ";" on French files; counting columns per
    line (quotes respected) does not: "12,50" under a ";"-separated header gives ragged rows for ",".
    """
    sample = [line for line in text.splitlines()[:30] if line.strip()]
    best, best_columns = ",", 0
    for delimiter in _DELIMITERS:
        widths = [len(cells) for cells in csv.reader(sample, delimiter=delimiter)]
        if not widths or widths[0] < 2:
            continue
        consistent = sum(1 for w in widths if w == widths[0]) >= 0.8 * len(widths)
        if consistent and widths[0] > best_columns:
            best, best_columns = delimiter, widths[0]
    return best


def _read_csv(content: bytes) -> list[tuple[int, list[object]]]:
    text = _decode(content)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[tuple[int, list[object]]] = []
    next_line = 1
    for record in reader:
        # A quoted cell may span lines: the record starts on the line after the previous record ended.
        rows.append((next_line, [c.strip() for c in record]))
        next_line = reader.line_num + 1
    return rows


def _read_workbook(content: bytes) -> list[tuple[int, list[object]]]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = workbook.get_sheet_by_index(0)
        # Keep leading empty rows so that row numbers match what the spreadsheet shows.
        data = sheet.to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OSError) as exc:
        raise ApplicationError(_("This spreadsheet cannot be read: %(error)s") % {"error": exc}) from exc
    return [(index + 1, [_cell(v) for v in row]) for index, row in enumerate(data)]


def table_read(*, content: bytes, filename: str = "") -> Table:
    """Parse a CSV (delimiter and encoding detected) or a spreadsheet (XLSX, XLS, ODS: first sheet).

    The first non-empty row is the header; fully empty rows are skipped but still counted.
    """
    suffix = Path(filename).suffix.lower()
    if content[:4] in (_ZIP_MAGIC, _OLE_MAGIC) or suffix in {".xlsx", ".xlsm", ".xls", ".ods"}:
        raw_rows = _read_workbook(content)
    else:
        raw_rows = _read_csv(content)
    rows = [(n, cells) for n, cells in raw_rows if not _blank(cells)]
    if not rows:
        raise ApplicationError(_("The file is empty."))
    header_row, header_cells = rows[0]
    headers = [str(h).strip() for h in header_cells]
    return Table(headers=headers, rows=rows[1:], header_row=header_row)


def table_read_path(path: str | Path) -> Table:
    """``table_read`` on a file on disk."""
    path = Path(path)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ApplicationError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}) from exc
    return table_read(content=content, filename=path.name)


def header_key(text: str) -> str:
    """A header folded for matching: "Prix catalogue (€)" -> "prix_catalogue"."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


def columns_map(headers: list[str], aliases: Mapping[str, set[str]]) -> tuple[dict[str, int], list[str]]:
    """Which column holds which field, by header name or alias; and the headers nobody claimed.

    ``aliases`` maps a field to the folded header names that mean it (the field name itself always does).
    A field named by two columns is an error: the file is ambiguous.
    """
    lookup: dict[str, str] = {}
    for name, names in aliases.items():
        for alias in {name, *names}:
            lookup[header_key(alias)] = name
    found: dict[str, int] = {}
    unknown: list[str] = []
    for index, header in enumerate(headers):
        key = header_key(header)
        field_name = lookup.get(key) or lookup.get(re.sub(r"_(eur|chf|ht|ttc)$", "", key))
        if field_name is None:
            if header:
                unknown.append(header)
            continue
        if field_name in found:
            raise ApplicationError(
                _("Two columns mean %(field)s: “%(first)s” and “%(second)s”.")
                % {"field": field_name, "first": headers[found[field_name]], "second": header}
            )
        found[field_name] = index
    return found, unknown


@dataclass
class RowError:
    row: int
    field: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass
class ImportReport:
    """What an import did: rows created, updated, unchanged, rejected, and why each rejected row was."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    dry_run: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "errors": [e.as_dict() for e in sorted(self.errors, key=lambda e: (e.row, e.field))],
            "unknown_columns": self.unknown_columns,
            "dry_run": self.dry_run,
        }

    def summary_lines(self) -> list[str]:
        """The report as lines a person reads at a terminal."""
        prefix = "[dry run] " if self.dry_run else ""
        lines = [
            f"{prefix}created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, rejected {self.rejected}"
        ]
        if self.unknown_columns:
            lines.append("ignored columns: " + ", ".join(self.unknown_columns))
        lines += [
            f"  row {e.row}, {e.field}: {e.message}"
            for e in sorted(self.errors, key=lambda e: (e.row, e.field))
        ]
        return lines

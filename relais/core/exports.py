"""Files a person opens in a spreadsheet: CSV and XLSX exports, streamed chunk by chunk, in the reader's language.

Text typed by someone else (a partner's invoice ref, a segment name, a comment) could start with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return and be run as a formula by the spreadsheet (CSV/formula
injection). Such text cells get a leading apostrophe; numbers and dates are left alone.

The rows arrive as polars data frames, one per chunk read from the database, so memory holds one chunk
whatever the size of the export. A French reader gets ``;`` between cells, a decimal comma and dd/mm/yyyy
dates (what a French spreadsheet parses on opening); an English reader ``,``, a dot and ISO dates. CSV is
UTF-8 with a BOM (Excel then reads the accents right).

The XLSX writer is ours: each chunk's sheet XML is built column-wise by polars string expressions (inline
strings, numbers, dates as serial days with a date style) and written into a zip entry that is streamed,
so the workbook is never held whole and the cost per row is a few vectorised string operations rather than
one Python call per cell (openpyxl's write-only mode took 29 s for 58k lines). A sheet holds at most
1,048,575 data rows (Excel's limit); more rows continue on a second sheet.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import polars as pl

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_PATTERN = r"^[=+\-@\t\r]"
# Characters XML 1.0 forbids: a spreadsheet refuses the whole file if one is left in a cell.
ILLEGAL_XML = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"
SHEET_MAX_ROWS = 1_048_575  # Excel's 1,048,576 rows, less the header
BOM = "\ufeff"


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula gets a leading apostrophe; others unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


@dataclass(frozen=True)
class ExportDialect:
    """How a reader's spreadsheet expects numbers, dates and cells to be separated."""

    separator: str
    decimal_comma: bool
    date_format: str  # strftime, for CSV
    excel_date_format: str  # number format of date cells in XLSX


FRENCH = ExportDialect(
    separator=";", decimal_comma=True, date_format="%d/%m/%Y", excel_date_format="dd/mm/yyyy"
)
ENGLISH = ExportDialect(
    separator=",", decimal_comma=False, date_format="%Y-%m-%d", excel_date_format="yyyy-mm-dd"
)


def export_dialect(language: str | None) -> ExportDialect:
    """The dialect of a language code (``fr``, ``fr-ca``, ``en`` ...): French or, for any other, English."""
    return FRENCH if (language or "").lower().startswith("fr") else ENGLISH


def neutralise_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """``neutralise`` on every text column of a frame, vectorised."""
    texts = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if not texts:
        return frame
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(FORMULA_PATTERN))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in texts
    )


def csv_stream(
    *, header: Sequence[str], frames: Iterable[pl.DataFrame], dialect: ExportDialect
) -> Iterator[bytes]:
    """CSV bytes, BOM and header first, then one chunk per frame (polars writes it)."""
    out = io.StringIO()
    csv.writer(out, delimiter=dialect.separator, lineterminator="\n").writerow(
        [neutralise(str(h)) for h in header]
    )
    yield (BOM + out.getvalue()).encode("utf-8")
    for frame in frames:
        if frame.height:
            yield (
                neutralise_frame(frame)
                .write_csv(
                    include_header=False,
                    separator=dialect.separator,
                    decimal_comma=dialect.decimal_comma,
                    date_format=dialect.date_format,
                    line_terminator="\n",
                )
                .encode("utf-8")
            )


# --- XLSX ----------------------------------------------------------------------------------------------

_EPOCH_OFFSET = 25569  # days from Excel's 1899-12-30 to 1970-01-01
_INTEGER = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64)


def _text_cell(value: str) -> str:
    return f'<c t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'


def _cell_expression(name: str, dtype: pl.DataType) -> pl.Expr:
    column = pl.col(name)
    if dtype in _INTEGER:
        cell = pl.lit("<c><v>") + column.cast(pl.String) + pl.lit("</v></c>")
    elif dtype in (pl.Float32, pl.Float64) or isinstance(dtype, pl.Decimal):
        cell = pl.lit("<c><v>") + column.cast(pl.Float64).cast(pl.String) + pl.lit("</v></c>")
    elif dtype == pl.Date:
        days = (column.cast(pl.Int32) + _EPOCH_OFFSET).cast(pl.String)
        cell = pl.lit('<c s="1"><v>') + days + pl.lit("</v></c>")
    else:
        text = column.cast(pl.String).str.replace_all(ILLEGAL_XML, "")
        text = text.str.replace_all("&", "&amp;", literal=True)
        text = text.str.replace_all("<", "&lt;", literal=True).str.replace_all(">", "&gt;", literal=True)
        cell = pl.lit('<c t="inlineStr"><is><t xml:space="preserve">') + text + pl.lit("</t></is></c>")
    return cell.fill_null("<c/>")


def _rows_xml(frame: pl.DataFrame) -> str:
    cells = [_cell_expression(name, dtype) for name, dtype in frame.schema.items()]
    rows = neutralise_frame(frame).select(
        (pl.lit("<row>") + pl.concat_str(cells, ignore_nulls=False) + pl.lit("</row>")).alias("xml")
    )
    return "".join(rows.get_column("xml").to_list())


class _Sink:
    """An unseekable file for ``zipfile``: what it is given waits in memory until the stream takes it."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        return None

    def close(self) -> None:
        return None

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts = []
        return data


_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_END = "</sheetData></worksheet>"


def _styles(date_format: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<numFmts count="1"><numFmt numFmtId="164" formatCode="{escape(date_format)}"/></numFmts>'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


def _package_parts(titles: list[str], date_format: str) -> dict[str, str]:
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheets = "".join(
        f'<sheet name="{escape(title, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
        for i, title in enumerate(titles, start=1)
    )
    sheet_rels = "".join(
        f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(titles) + 1)
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(titles) + 1)
    )
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    return {
        "[Content_Types].xml": head
        + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{overrides}</Types>",
        "_rels/.rels": head
        + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": head
        + f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>{sheets}</sheets></workbook>',
        "xl/_rels/workbook.xml.rels": head
        + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'{sheet_rels}<Relationship Id="rId{len(titles) + 1}" Type="{rel}/styles" Target="styles.xml"/>'
        "</Relationships>",
        "xl/styles.xml": _styles(date_format),
    }


def _sheet_title(title: str, number: int) -> str:
    clean = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28] or "Export"
    return clean if number == 1 else f"{clean} {number}"


def xlsx_stream(
    *,
    header: Sequence[str],
    frames: Iterable[pl.DataFrame],
    dialect: ExportDialect,
    title: str = "Export",
    sheet_max_rows: int = SHEET_MAX_ROWS,
) -> Iterator[bytes]:
    """An XLSX workbook as bytes chunks: the header row on each sheet, one chunk of rows per frame."""
    sink = _Sink()
    header_xml = "<row>" + "".join(_text_cell(str(neutralise(str(h)))) for h in header) + "</row>"
    titles: list[str] = []
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        entry = None
        room = 0
        for frame in frames:
            offset = 0
            while offset < frame.height or entry is None:
                if entry is None or room == 0:
                    if entry is not None:
                        entry.write(_SHEET_END.encode())
                        entry.close()
                    titles.append(_sheet_title(title, len(titles) + 1))
                    entry = package.open(f"xl/worksheets/sheet{len(titles)}.xml", "w", force_zip64=True)
                    entry.write((_SHEET_START + header_xml).encode())
                    room = sheet_max_rows
                part = frame.slice(offset, room)
                if part.height:
                    entry.write(_rows_xml(part).encode("utf-8"))
                offset += part.height
                room -= part.height
                yield sink.take()
        if entry is None:
            titles.append(_sheet_title(title, 1))
            entry = package.open("xl/worksheets/sheet1.xml", "w")
            entry.write((_SHEET_START + header_xml).encode())
        entry.write(_SHEET_END.encode())
        entry.close()
        for name, text in _package_parts(titles, dialect.excel_date_format).items():
            package.writestr(name, text)
    yield sink.take()


def rows_frame(rows: Sequence[Sequence[Any]], schema: dict[str, Any]) -> pl.DataFrame:
    """A chunk of database rows as a frame of the given column types (Decimal values become floats)."""
    return pl.DataFrame(list(rows), schema=schema, orient="row", strict=False)

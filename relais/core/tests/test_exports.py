"""Streamed CSV and XLSX exports: the reader's dialect, formulas neutralised, typed cells, sheets split."""

import csv
import io
from datetime import date

import polars as pl
import pytest
from openpyxl import load_workbook

from relais.core.exports import (
    ENGLISH,
    FRENCH,
    csv_stream,
    export_dialect,
    neutralise_frame,
    rows_frame,
    xlsx_stream,
)

SCHEMA = {"n": pl.Int64, "amount": pl.Float64, "day": pl.Date, "text": pl.String}


def frame(*rows):
    return rows_frame(list(rows), SCHEMA)


@pytest.mark.parametrize(
    ("language", "dialect"), [("fr", FRENCH), ("fr-ca", FRENCH), ("en", ENGLISH), (None, ENGLISH)]
)
def test_the_dialect_follows_the_language(language, dialect):
    assert export_dialect(language) == dialect


def test_text_columns_that_a_spreadsheet_would_run_get_an_apostrophe_and_others_do_not():
    given = frame((-1, -2.5, None, "=SUM(A1)"), (2, 3.0, None, "Très bien"), (3, None, None, None))

    result = neutralise_frame(given)

    assert result.get_column("text").to_list() == ["'=SUM(A1)", "Très bien", None]
    assert result.get_column("n").to_list() == [-1, 2, 3]


def test_a_french_csv_parses_with_semicolons_and_decimal_commas():
    chunks = csv_stream(
        header=["N°", "Montant", "Date", "Texte"],
        frames=[frame((1, 1234.5, date(2026, 10, 2), "a;b")), frame((2, -0.25, date(2026, 11, 30), "=1+1"))],
        dialect=FRENCH,
    )

    data = b"".join(chunks)

    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["N°", "Montant", "Date", "Texte"],
        ["1", "1234,5", "02/10/2026", "a;b"],
        ["2", "-0,25", "30/11/2026", "'=1+1"],
    ]
    assert float(rows[1][1].replace(",", ".")) == 1234.5


def test_an_english_csv_uses_commas_dots_and_iso_dates():
    data = b"".join(
        csv_stream(
            header=["n", "amount", "day", "text"],
            frames=[frame((1, 2.5, date(2026, 10, 2), "x"))],
            dialect=ENGLISH,
        )
    )

    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [
        ["n", "amount", "day", "text"],
        ["1", "2.5", "2026-10-02", "x"],
    ]


def test_an_xlsx_has_typed_cells_escaped_text_and_the_readers_date_format():
    data = b"".join(
        xlsx_stream(
            header=["N°", "Montant", "Date", "Texte"],
            frames=[frame((1, 12.5, date(2026, 10, 2), 'A & <b> "c"\x01')), frame((2, None, None, "@x"))],
            dialect=FRENCH,
            title="Lignes: 2026/10",
        )
    )

    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert sheet.title == "Lignes 202610"
    assert rows[0] == ["N°", "Montant", "Date", "Texte"]
    assert rows[1][:2] == [1, 12.5] and rows[1][2].date() == date(2026, 10, 2)
    assert rows[1][3] == 'A & <b> "c"'  # the control character a spreadsheet refuses is dropped
    assert sheet.cell(row=2, column=3).number_format == "dd/mm/yyyy"
    assert rows[2] == [2, None, None, "'@x"]


def test_rows_beyond_a_sheets_limit_continue_on_the_next_sheet_with_the_header():
    frames = [frame(*((i, None, None, f"r{i}") for i in range(start, start + 3))) for start in (0, 3, 6)]

    data = b"".join(
        xlsx_stream(header=["n", "a", "d", "t"], frames=frames, dialect=ENGLISH, sheet_max_rows=4)
    )

    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Export", "Export 2", "Export 3"]
    firsts = [[row[0].value for row in sheet.iter_rows()] for sheet in workbook.worksheets]
    assert firsts == [["n", 0, 1, 2, 3], ["n", 4, 5, 6, 7], ["n", 8]]


def test_an_export_without_rows_is_a_workbook_with_its_header():
    data = b"".join(xlsx_stream(header=["n"], frames=[], dialect=ENGLISH))

    assert [[c.value for c in row] for row in load_workbook(io.BytesIO(data)).active.iter_rows()] == [["n"]]


def test_the_workbook_streams_one_chunk_per_frame():
    frames = [frame((i, 1.0, date(2026, 1, 1), "x" * 1000)) for i in range(5)]

    chunks = list(xlsx_stream(header=["n", "a", "d", "t"], frames=frames, dialect=ENGLISH))

    assert len(chunks) == 6  # one per frame, then the closing parts

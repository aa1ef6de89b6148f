"""The table reader: whatever the delimiter, encoding and quoting, cells and row numbers come back as written."""

import csv
import io

import openpyxl
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relais.core.errors import ApplicationError
from relais.core.tabular import RowError, columns_map, table_open, table_read

# Text a partner might type: letters with French accents, digits, punctuation, delimiters and quotes included.
cell_text = st.text(alphabet="abcdeéèàçôü ABCXYZ0123456789,.;'\"-&€", max_size=12).map(str.strip)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.lists(cell_text, min_size=3, max_size=3), min_size=1, max_size=8),
    delimiter=st.sampled_from([";", ",", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_csv_cells_and_row_numbers_round_trip(rows, delimiter, encoding):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(["code", "name", "price"])
    for row in rows:
        writer.writerow(row)
    table = table_read(content=buffer.getvalue().encode(encoding), filename="f.csv")

    assert table.headers == ["code", "name", "price"]
    expected = [(n, row) for n, row in enumerate(rows, start=2) if any(row)]
    assert [(n, cells) for n, cells in table.rows] == expected


def test_xlsx_row_numbers_count_leading_and_blank_rows():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A3"], sheet["B3"] = "gtin", "name"
    sheet["A4"], sheet["B4"] = 3760123456784, "Lampe"
    sheet["A6"], sheet["B6"] = 12.5, "  Torche "
    buffer = io.BytesIO()
    workbook.save(buffer)

    table = table_read(content=buffer.getvalue(), filename="x.xlsx")

    assert table.header_row == 3
    assert table.rows == [(4, [3760123456784, "Lampe"]), (6, [12.5, "Torche"])]


def test_empty_and_unreadable_files():
    with pytest.raises(ApplicationError, match="empty"):
        table_read(content=b"\n\n", filename="f.csv")
    with pytest.raises(ApplicationError, match="cannot be read"):
        table_read(content=b"PK\x03\x04 not really a zip", filename="f.xlsx")


def test_columns_by_alias_and_ambiguity():
    found, unknown = columns_map(
        ["Code EAN", "Désignation", "Commentaire", ""], {"gtin": {"code ean"}, "name": {"designation"}}
    )
    assert found == {"gtin": 0, "name": 1} and unknown == ["Commentaire"]
    with pytest.raises(ApplicationError, match="Two columns"):
        columns_map(["EAN", "GTIN"], {"gtin": {"ean"}})


def test_a_sheet_that_starts_further_in_keeps_the_row_and_column_numbers():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["C3"], sheet["D3"] = "gtin", "name"
    sheet["C4"], sheet["D4"] = 3760123456784, "Lampe"
    buffer = io.BytesIO()
    workbook.save(buffer)

    table = table_read(content=buffer.getvalue(), filename="x.xlsx")

    assert table.header_row == 3
    assert table.headers == ["", "", "gtin", "name"]
    assert table.rows == [(4, ["", "", 3760123456784, "Lampe"])]


def test_a_table_read_whole_also_comes_in_batches():
    table = table_read(content=b"code;name\nA;Lampe\n\nB;Torche\nC;Pile\n", filename="f.csv")

    batches = list(table.batches(2))

    assert [b.height for b in batches] == [2, 1]
    assert pl.concat(batches)["__row"].to_list() == [2, 4, 5]
    assert pl.concat(batches)["c1"].to_list() == ["Lampe", "Torche", "Pile"]
    assert (table.kind, table.delimiter, table.preview[0]) == ("csv", ";", ["A", "Lampe"])


def test_text_that_is_not_a_table_is_a_clear_error():
    with pytest.raises(ApplicationError, match="does not look like a text"):
        table_read(content=b"\x00\x01\x02binary", filename="f.csv")


def test_an_opened_file_reads_its_rows_in_batches_with_the_file_row_numbers(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes('Nom;Prix\nLampe;12,50\n\nTorche;"9,90"\nPile;1\n'.encode("cp1252"))

    table = table_open(path)

    assert (table.headers, table.header_row, table.delimiter) == (["Nom", "Prix"], 1, ";")
    rows = pl.concat(list(table.batches(2)))
    assert rows["__row"].to_list() == [2, 3, 4, 5]
    assert rows["c1"].to_list() == ["12,50", None, "9,90", "1"]


def test_an_opened_file_finds_its_header_with_the_rule_given(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("Export du 3 octobre\n\nEAN;Qté\n1;2\n", encoding="utf-8")

    table = table_open(path, header_row_find=lambda rows: 2)

    assert (table.headers, table.header_row, table.preview) == (["EAN", "Qté"], 3, [["1", "2"]])
    assert pl.concat(list(table.batches()))["__row"].to_list() == [4]


def test_an_opened_file_gets_unique_headers(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("Montant;;Montant\n1;2;3\n", encoding="utf-8")

    assert table_open(path).headers == ["Montant", "Column 2", "Montant (2)"]


def test_cp1252_after_the_sampled_head_is_still_read_as_cp1252(tmp_path):
    path = tmp_path / "long.csv"
    lines = ["code;name", *(f"{n};plain" for n in range(40_000)), "40000;Clé à molette"]
    path.write_bytes(("\n".join(lines) + "\n").encode("cp1252"))

    table = table_open(path)

    assert table.encoding == "cp1252"
    last = pl.concat(list(table.batches(10_000))).tail(1)
    assert last["c1"].to_list() == ["Clé à molette"]


def test_a_row_error_is_rejected_unless_told_otherwise():
    assert RowError(3, "gtin", "wrong").kind == "rejected"
    assert RowError(3, "gtin", "wrong").as_dict() == {"row": 3, "field": "gtin", "message": "wrong"}

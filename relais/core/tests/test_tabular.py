"""The table reader: whatever the delimiter, encoding and quoting, cells and row numbers come back as written."""

import csv
import io

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relais.core.errors import ApplicationError
from relais.core.tabular import columns_map, table_read

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

"""Hostile or unusual files: refused or cleaned before any heavy work, with a message a person can act on."""

import io
import struct
import time
import zipfile

import openpyxl
import pytest
from django.utils import translation

from relais.core.errors import ApplicationError
from relais.core.tabular import table_open, unique_headers
from relais.core.tabular.workbook import MAX_RATIO


def _xlsx(path, fill) -> None:
    workbook = openpyxl.Workbook()
    fill(workbook.active)
    workbook.save(path)


def test_a_header_of_300000_delimiters_is_refused_at_once_naming_its_line_and_the_limit(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(";" * 300_000 + "\n1;2\n", encoding="utf-8")

    started = time.perf_counter()
    with pytest.raises(ApplicationError, match=r"Line 1 of the file has more than 200 columns"):
        table_open(path, max_columns=200)

    assert time.perf_counter() - started < 2


def test_unique_headers_is_linear_in_the_trailing_empty_cells():
    started = time.perf_counter()
    headers = unique_headers(["gtin", "qty", *[""] * 300_000])
    assert headers == ["gtin", "qty"]
    assert time.perf_counter() - started < 1


def test_a_zip_bomb_workbook_is_refused_before_it_is_read(tmp_path):
    good = tmp_path / "good.xlsx"
    _xlsx(good, lambda s: s.append(["gtin", "qty"]))
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                # 16 MB of blanks inside the XML: a few KB zipped, far past any real sheet's ratio.
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * (16 * 1024 * 1024))
            target.writestr(info.filename, data)
    info = zipfile.ZipFile(bomb).getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size > MAX_RATIO * info.compress_size

    started = time.perf_counter()
    with pytest.raises(ApplicationError, match="too large once uncompressed"):
        table_open(bomb)
    assert time.perf_counter() - started < 2
    assert table_open(good).headers == ["gtin", "qty"]


def test_a_formula_saved_without_its_value_is_refused_naming_the_cell(tmp_path):
    path = tmp_path / "formula.xlsx"

    def fill(sheet):
        sheet.append(["gtin", "qty", "date"])
        sheet.append(["3760123456784", 2, "2026-10-03"])
        sheet["B3"] = "=B2*2"

    _xlsx(path, fill)
    with pytest.raises(ApplicationError) as caught:
        table_open(path)
    assert caught.value.message == (
        "Cell B3 has a formula without a computed value; save the file in Excel and send it again."
    )


def test_a_spreadsheet_wider_than_the_limit_is_refused_with_both_limits(tmp_path):
    path = tmp_path / "wide.xlsx"
    _xlsx(path, lambda s: s.append([f"c{i}" for i in range(30)]))
    with pytest.raises(
        ApplicationError, match="1 rows and 30 columns; an import takes at most 1048576 rows and 20 columns"
    ):
        table_open(path, max_columns=20)


def _read_all(path):
    table = table_open(path)
    cells = [row for batch in table.batches(1000) for row in batch.drop("__row").iter_rows()]
    return table, cells


def test_nul_bytes_after_the_first_4_kb_are_removed_with_a_warning_naming_the_line(tmp_path):
    path = tmp_path / "nul.csv"
    lines = ["gtin;note"] + [f"{n};ligne {n}" for n in range(2, 1200)]
    lines[900] = "901;bad\x00cell"
    content = ("\n".join(lines) + "\n").encode("utf-8")
    assert content.index(b"\x00") > 4096
    path.write_bytes(content)

    table, cells = _read_all(path)

    assert all("\x00" not in (c or "") for row in cells for c in row)
    assert cells[899] == ("901", "badcell")
    assert table.warnings == ["NUL bytes were removed from 1 line(s) of the file (first: line 901)."]


def test_a_cp1252_line_in_a_utf8_file_is_read_as_cp1252_with_a_warning_not_as_mojibake(tmp_path):
    path = tmp_path / "mixed.csv"
    head = "gtin;note\n1;déjà vu\n" + "".join(f"{n};texte {n}\n" for n in range(3, 30_000))
    assert len(head.encode()) > 256 * 1024
    last_line = head.count("\n") + 1
    path.write_bytes(head.encode("utf-8") + f"{last_line};déjà vu\n".encode("cp1252"))

    table, cells = _read_all(path)

    assert table.encoding == "utf-8"
    assert cells[0] == ("1", "déjà vu")
    assert cells[-1] == (str(last_line), "déjà vu")
    assert not any("Ã" in (c or "") for row in cells for c in row)
    assert len(table.warnings) == 1
    assert f"line {last_line}" in table.warnings[0]


def test_a_cp1252_file_that_starts_with_plain_ascii_is_still_read_as_cp1252(tmp_path):
    path = tmp_path / "cp1252.csv"
    text = "gtin;note\n" + "".join(f"{n};texte {n}\n" for n in range(2, 30_000)) + "30000;déjà vu\n"
    path.write_bytes(text.encode("cp1252"))

    table, cells = _read_all(path)

    assert table.encoding == "cp1252"
    assert cells[-1] == ("30000", "déjà vu")
    assert table.warnings == []


def test_a_first_data_row_of_10000_cells_gets_a_message_naming_its_line_and_the_limit(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("gtin;qty;date\n" + ";".join(["1"] * 10_000) + "\n1;2;2026-10-03\n", encoding="utf-8")
    with pytest.raises(ApplicationError) as caught:
        _read_all(path)
    assert (
        caught.value.message == "Line 2 has 10000 cells; the header has 3 columns, the most a row may have."
    )
    assert "schema" not in caught.value.message


def test_an_ordinary_workbook_still_opens(tmp_path):
    path = tmp_path / "ok.xlsx"
    _xlsx(path, lambda s: (s.append(["gtin", "qty"]), s.append(["3760123456784", 2])))
    buffer = io.BytesIO(path.read_bytes())
    assert zipfile.is_zipfile(buffer)
    table = table_open(path)
    assert table.headers == ["gtin", "qty"]
    assert table.preview == [["3760123456784", "2"]]


def test_the_messages_are_in_french_for_a_french_user(tmp_path):
    path = tmp_path / "formula.xlsx"

    def fill(sheet):
        sheet.append(["gtin", "qty"])
        sheet["B2"] = "=1+1"

    _xlsx(path, fill)
    with translation.override("fr"), pytest.raises(ApplicationError) as caught:
        table_open(path)
    assert caught.value.message == (
        "La cellule B2 contient une formule sans valeur calculée ; enregistrez le fichier dans Excel et "
        "envoyez-le à nouveau."
    )
    wide = tmp_path / "wide.csv"
    wide.write_text(";" * 5000 + "\n", encoding="utf-8")
    with translation.override("fr"), pytest.raises(ApplicationError, match="La ligne 1 du fichier a plus de"):
        table_open(wide)


def test_a_workbook_part_that_lies_about_its_size_is_refused_before_calamine_inflates_it(tmp_path):
    good = tmp_path / "good.xlsx"
    _xlsx(good, lambda s: s.append(["gtin", "qty"]))
    liar = tmp_path / "liar.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(liar, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * (3 * 1024 * 1024))
            target.writestr(info.filename, data)
    # Declare 1 KB for the 3 MB part, in its local header and in the central directory.
    content = bytearray(liar.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (start := content.find(signature, start)) >= 0:
            if content[start + name_at : start + name_at + len(name)] == name:
                content[start + size_at : start + size_at + 4] = struct.pack("<I", 1024)
            start += 4
    liar.write_bytes(bytes(content))
    assert zipfile.ZipFile(liar).getinfo("xl/worksheets/sheet1.xml").file_size == 1024

    # zipfile stops at the declared size, and the part fails its CRC: refused, never inflated whole.
    with pytest.raises(ApplicationError, match="cannot be read: Bad CRC-32"):
        table_open(liar)

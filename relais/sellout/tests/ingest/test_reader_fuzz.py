"""Whatever a partner uploads, the reader answers with a table, a clear ApplicationError, or row errors."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relais.core.errors import ApplicationError
from relais.sellout.ingest import files, mapping, validate

RULES = validate.Rules(
    catalogue=validate.Catalogue.from_rows([("03761230000013", 1, None, "EUR")]),
    currency="EUR",
    today=dt.date(2026, 11, 22),
)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def read_everything(path) -> int:
    """Open, map and check a file as an import does; return the number of rows seen."""
    try:
        table = files.sellout_file_open(path)
    except ApplicationError as exc:
        assert exc.message
        return -1
    proposal = mapping.propose_mapping(table.headers, table.preview)
    seen = 0
    try:
        for batch in table.batches(7):
            frame = batch.with_columns(
                pl.col(f"c{table.headers.index(header)}").alias(name)
                for name, header in proposal.mapping.items()
            )
            checked = validate.check_batch(frame, RULES, raw_columns=table.columns)
            assert checked.lines.height + checked.rejected_rows + checked.ignored_rows == batch.height
            assert set(checked.errors["field"].to_list()) <= set(mapping.FIELD_NAMES)
            seen += batch.height
    except ApplicationError as exc:
        assert exc.message
        return -1
    return seen


@FUZZ
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(tmp_path, data):
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    read_everything(path)


cell = st.text(alphabet=st.sampled_from(list('0123456789;,.\t|"/- abcEAN€éü\r\n')), max_size=12)


@FUZZ
@given(
    header=st.lists(
        st.sampled_from(["EAN", "Qté", "Date", "Montant", "Menge", "Importe", "x", ""]), max_size=6
    ),
    rows=st.lists(st.lists(cell, max_size=7), max_size=20),
    delimiter=st.sampled_from([";", ",", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
)
def test_malformed_csv(tmp_path, header, rows, delimiter, encoding):
    text = "\n".join(delimiter.join(r) for r in [header, *rows])
    path = tmp_path / "upload.csv"
    path.write_bytes(text.encode(encoding, errors="replace"))
    read_everything(path)


def _xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["EAN", "Quantité", "Date", "Montant"])
    for i in range(30):
        sheet.append([3761230000013, i, dt.datetime(2026, 10, 1 + i % 28), 20.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


XLSX = _xlsx_bytes()


@FUZZ
@given(
    cut=st.integers(min_value=0, max_value=len(XLSX)),
    noise=st.binary(max_size=64),
    at=st.integers(0, len(XLSX)),
)
def test_broken_xlsx(tmp_path, cut, noise, at):
    data = (XLSX[:at] + noise + XLSX[at + len(noise) :])[: max(cut, 4)]
    path = tmp_path / "upload.xlsx"
    path.write_bytes(data)
    read_everything(path)


def test_the_intact_xlsx_reads_every_row(tmp_path):
    path = tmp_path / "ok.xlsx"
    path.write_bytes(XLSX)
    assert read_everything(path) == 30


def test_a_zip_that_is_not_a_spreadsheet_is_a_clear_error(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    path = tmp_path / "archive.xlsx"
    path.write_bytes(buffer.getvalue())
    try:
        files.sellout_file_open(path)
    except ApplicationError as exc:
        assert "spreadsheet" in exc.message
    else:
        raise AssertionError("a zip archive was read as a spreadsheet")


def test_line_breaks_inside_quoted_cells_keep_the_row_numbers_of_the_file(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text(
        "Export ventes\n"
        "EAN;Qté;Date;Commentaire\n"
        "3761230000013;1;01/10/2026;bien\n"
        '3761230000013;2;02/10/2026;"client ravi\r\nrevient en mars"\n'
        "3761230000013;3;03/10/2026;\n"
        '3761230000013;4;04/10/2026;"trois\nlignes\nici"\n'
        "3761230000013;5;05/10/2026;fin\n",
        encoding="utf-8",
    )
    table = files.sellout_file_open(path)
    rows = pl.concat(list(table.batches(2)))
    assert rows["__row"].to_list() == [3, 4, 6, 7, 10]
    assert rows["c1"].to_list() == ["1", "2", "3", "4", "5"]
    assert rows["c3"].to_list() == [
        "bien",
        "client ravi\r\nrevient en mars",
        None,
        "trois\nlignes\nici",
        "fin",
    ]


def test_a_quoted_line_break_across_the_reader_blocks_is_followed(tmp_path):
    """Blocks of the reader are cut at line ends, which may fall inside a quoted cell."""
    lines = [f"3761230000013;{n};01/10/2026;ligne {n}" for n in range(1, 400)]
    lines[250] = '3761230000013;251;01/10/2026;"avis sur\n' + "x" * 5000 + '\nplusieurs lignes"'
    path = tmp_path / "long.csv"
    path.write_text("EAN;Qté;Date;Commentaire\n" + "\n".join(lines) + "\n", encoding="cp1252")
    table = files.sellout_file_open(path)
    rows = pl.concat(list(table.batches(40)))
    numbers = rows["__row"].to_list()
    assert rows["c1"].to_list() == [str(n) for n in range(1, 400)]
    assert numbers[:251] == list(range(2, 253)) and numbers[251:] == list(range(255, 403))
    assert rows["c3"][250].count("\n") == 2


def test_an_unclosed_quote_is_a_clear_error_or_one_long_cell(tmp_path):
    path = tmp_path / "open.csv"
    path.write_text(
        'EAN;Qté;Date\n"3761230000013;1;01/10/2026\n3761230000013;2;02/10/2026\n', encoding="utf-8"
    )
    assert read_everything(path) in {-1, 1}

"""Catalogue imports from real files: French Excel CSV, XLSX, files with errors; idempotence and atomicity."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from relais.catalog.importing import catalog_import, catalog_import_file
from relais.catalog.models import Product
from relais.catalog.tests.factories import ProductFactory, gtin14
from relais.core.errors import ApplicationError
from relais.core.tabular import table_read

G1, G2, G3, G4 = (gtin14(n) for n in (1, 2, 3, 4))


def french_csv() -> bytes:
    """What Excel writes in France: ';' separated, Windows-1252, decimal comma, GTIN-13 as typed."""
    text = (
        "Code EAN;Désignation;Famille;Prix catalogue;Devise\r\n"
        f"{G1[1:]};Projecteur LED 30 W;Éclairage;1 249,90;EUR\r\n"
        f"{G2[1:]};Lampe frontale rechargeable;Éclairage;39,5;\r\n"
        f"{G3[1:]};Perceuse à percussion;Outillage;;eur\r\n"
    )
    return text.encode("cp1252")


def test_french_excel_csv_loads_every_row(brand):
    report = catalog_import_file(brand=brand, content=french_csv(), filename="catalogue.csv")

    assert report.as_dict()["created"] == 3 and report.rejected == 0 and report.errors == []
    first = Product.objects.get(brand=brand, gtin=G1)
    assert first.name == "Projecteur LED 30 W"
    assert first.family == "Éclairage"
    assert first.list_price == Decimal("1249.90")
    assert Product.objects.get(brand=brand, gtin=G2).list_price == Decimal("39.50")
    third = Product.objects.get(brand=brand, gtin=G3)
    assert third.list_price is None and third.currency == "EUR"


def test_re_running_the_same_file_changes_nothing(brand):
    catalog_import_file(brand=brand, content=french_csv(), filename="catalogue.csv")
    stamps = dict(Product.objects.filter(brand=brand).values_list("gtin", "updated_at"))

    again = catalog_import_file(brand=brand, content=french_csv(), filename="catalogue.csv")

    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 3, 0)
    assert dict(Product.objects.filter(brand=brand).values_list("gtin", "updated_at")) == stamps


def test_changed_rows_are_updated_and_only_they(brand):
    ProductFactory(brand=brand, gtin=G1, name="Old name", family="Éclairage", list_price=Decimal("1249.90"))
    ProductFactory(
        brand=brand,
        gtin=G2,
        name="Lampe frontale rechargeable",
        family="Éclairage",
        list_price=Decimal("39.50"),
    )
    ProductFactory(brand=brand, gtin=G4, name="Not in the file")

    report = catalog_import_file(brand=brand, content=french_csv(), filename="catalogue.csv")

    assert (report.created, report.updated, report.unchanged) == (1, 1, 1)
    assert Product.objects.get(brand=brand, gtin=G1).name == "Projecteur LED 30 W"
    assert Product.objects.get(brand=brand, gtin=G4).name == "Not in the file"


def test_xlsx_with_number_cells(brand, other_brand):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["gtin", "name", "family", "list_price", "currency"])
    sheet.append([int(G1), "Meuleuse 125 mm", "Outillage", 89.9, "EUR"])  # GTIN as a number cell
    sheet.append([G2, "Batterie 18 V", "Énergie", "54,00", "CHF"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = catalog_import_file(brand=brand, content=buffer.getvalue(), filename="products.xlsx")

    assert (report.created, report.rejected) == (2, 0)
    assert Product.objects.get(brand=brand, gtin=G1).list_price == Decimal("89.90")
    assert Product.objects.get(brand=brand, gtin=G2).currency == "CHF"
    assert not Product.objects.filter(brand=other_brand).exists()


def test_bad_rows_are_reported_with_file_row_numbers_and_good_rows_load(brand):
    content = (
        (
            "gtin,name,family,list_price,currency\n"  # row 1
            f"{G1},Good one,Outillage,10.00,EUR\n"  # row 2: created
            "3.7612345678901e+12,Rounded by Excel,Outillage,10,EUR\n"  # row 3: gtin
            f"{G2[:-1]}0,Wrong check digit,,5,EUR\n"  # row 4: gtin (unless the check digit is 0)
            f"{G3},,Outillage,abc,EURO\n"  # row 5: name, list_price, currency
            "\n"  # row 6: blank, skipped
            f"{G1},Same GTIN again,Outillage,11,EUR\n"  # row 7: duplicate of row 2
            f"{G4},Negative,Outillage,-3,EUR\n"  # row 8: list_price
        ).encode()
    )
    assert G2[-1] != "0"

    report = catalog_import_file(brand=brand, content=content, filename="errors.csv")

    result = report.as_dict()
    assert (result["created"], result["rejected"]) == (1, 5)
    errors = result["errors"]
    assert isinstance(errors, list)
    assert [(e["row"], e["field"]) for e in errors] == [
        (3, "gtin"),
        (4, "gtin"),
        (5, "currency"),
        (5, "list_price"),
        (5, "name"),
        (7, "gtin"),
        (8, "list_price"),
    ]
    messages = {(e["row"], e["field"]): e["message"] for e in errors}
    assert "scientific notation" in messages[(3, "gtin")]
    assert "check digit" in messages[(4, "gtin")]
    assert "row 2" in messages[(7, "gtin")]
    assert list(Product.objects.filter(brand=brand).values_list("gtin", flat=True)) == [G1]


def test_leading_zeros_lost_by_excel_are_recovered_when_the_check_digit_agrees(brand):
    content = b"gtin;name\n12345678905;Recovered\n"
    report = catalog_import_file(brand=brand, content=content, filename="c.csv")
    assert report.created == 1
    assert Product.objects.get(brand=brand).gtin == "00012345678905"


def test_a_missing_required_column_refuses_the_file(brand):
    with pytest.raises(ApplicationError, match="name"):
        catalog_import_file(brand=brand, content=b"gtin;price\n" + G1.encode() + b";3\n", filename="c.csv")


def test_dry_run_reports_but_writes_nothing(brand):
    report = catalog_import_file(brand=brand, content=french_csv(), filename="c.csv", dry_run=True)
    assert report.created == 3
    assert not Product.objects.filter(brand=brand).exists()


def test_a_crash_mid_way_leaves_nothing(brand, monkeypatch):
    ProductFactory(brand=brand, gtin=G1, name="Old name")
    manager = type(Product.objects)

    def crash(self, *args, **kwargs):
        raise RuntimeError("disk full")

    # New products are created first; the crash comes while updating the changed ones.
    monkeypatch.setattr(manager, "bulk_update", crash)

    with pytest.raises(RuntimeError):
        catalog_import(brand=brand, table=table_read(content=french_csv(), filename="c.csv"))

    assert list(Product.objects.filter(brand=brand).values_list("gtin", "name")) == [(G1, "Old name")]


def _catalog_csv(n: int, *, name: str) -> bytes:
    return (
        "gtin;name;list_price\n" + "".join(f"{gtin14(i)};{name} {i};{i},50\n" for i in range(1, n + 1))
    ).encode()


def test_queries_are_bulk_not_one_per_row(brand, other_brand):
    counts = []
    for target, n in ((brand, 20), (other_brand, 300)):
        with CaptureQueriesContext(connection) as created:
            catalog_import_file(brand=target, content=_catalog_csv(n, name="Lampe"), filename="c.csv")
        with CaptureQueriesContext(connection) as updated:
            report = catalog_import_file(
                brand=target, content=_catalog_csv(n, name="Torche"), filename="c.csv"
            )
        assert report.updated == n
        counts.append((len(created), len(updated)))
    # A few queries per file, plus a few per batch of rows (SQLite batches bulk writes by its parameter limit).
    assert max(counts[0]) <= 7 and max(counts[1]) <= 15, counts


@pytest.mark.parametrize(
    "content",
    [
        # ';' with a decimal comma on every row (csv.Sniffer would be tempted by ',').
        "gtin;name;list_price\n{g1};Lampe A;12,50\n{g2};Lampe B;7,90\n",
        # ',' with quoted decimal commas.
        'gtin,name,list_price\n{g1},"Lampe A","12,50"\n{g2},"Lampe, B","7,90"\n',
        # tab, with a BOM.
        "\ufeffgtin\tname\tlist_price\n{g1}\tLampe A\t12.50\n{g2}\tLampe B\t7.9\n",
        # '|'
        "gtin|name|list_price\n{g1}|Lampe A|12.5\n{g2}|Lampe B|7,90\n",
    ],
)
def test_delimiters_are_detected(brand, content):
    report = catalog_import_file(brand=brand, content=content.format(g1=G1, g2=G2).encode(), filename="c.csv")
    assert (report.created, report.rejected) == (2, 0), report.errors
    prices = dict(Product.objects.filter(brand=brand).values_list("gtin", "list_price"))
    assert prices == {G1: Decimal("12.50"), G2: Decimal("7.90")}


def test_a_cell_spanning_lines_keeps_later_row_numbers_true(brand):
    content = f'gtin;name\n{G1};"Lampe\nsur deux lignes"\n{G2[:-1]}0;Mauvais\n'.encode()
    report = catalog_import_file(brand=brand, content=content, filename="c.csv")
    assert report.created == 1
    assert [(e.row, e.field) for e in report.errors] == [(4, "gtin")]

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from conftest import login_client
from relais.catalog.tests.factories import ProductFactory
from relais.core.exports import neutralise
from relais.sellout.export import headers, lines_csv_stream, lines_xlsx
from relais.sellout.models import DeclarationLine
from relais.sellout.services import declaration_create, declaration_lines_add, declaration_submit


@pytest.mark.parametrize("text", ["=1+1", "+33 1 23", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_text_that_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Très bien", "F-1001", "", None, -3, Decimal("-12.50"), date(2026, 10, 1)])
def test_other_cells_are_left_alone(value):
    assert neutralise(value) == value


# --- The brand's line export, in the reader's language -------------------------------------------------


@pytest.fixture
def declared(partner):
    product = ProductFactory(brand=partner.brand, name="Perceuse sans fil 18V", list_price="120.00")
    declaration = declaration_create(
        partner=partner, period_start=date(2026, 10, 1), period_end=date(2026, 10, 28), source="form"
    )
    rows = [
        {
            "gtin": product.gtin,
            "quantity": "3",
            "amount": "1234.50",
            "sale_date": "2026-10-02",
            "feedback": "Très bien",
        },
        {
            "gtin": product.gtin,
            "quantity": "1",
            "amount": "99.90",
            "sale_date": "2026-10-09",
            "invoice_ref": "=1+1",
        },
    ]
    declaration_lines_add(declaration=declaration, rows=rows)
    return declaration_submit(declaration=declaration)


def _csv(response: Any, delimiter: str) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


@pytest.mark.django_db
def test_a_french_reader_gets_semicolons_decimal_commas_french_headers_and_dd_mm_yyyy(
    channel_manager, declared
):
    client = login_client(channel_manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    response: Any = client.get(reverse("sellout:brand_lines_export", args=["csv"]))

    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode("utf-8"))  # UTF-8 with BOM
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert [r["Code partenaire"] for r in rows] == [declared.partner.code] * 2
    assert [r["Date de vente"] for r in rows] == ["02/10/2026", "09/10/2026"]
    assert [Decimal(r["Montant"].replace(",", ".")) for r in rows] == [Decimal("1234.5"), Decimal("99.9")]
    assert rows[0]["Quantité"] == "3"
    assert rows[1]["N° de facture"] == "'=1+1"
    assert "partner_code" not in rows[0]


@pytest.mark.django_db
def test_an_english_reader_gets_commas_dots_and_iso_dates(channel_manager, declared):
    client = login_client(channel_manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    rows = _csv(client.get(reverse("sellout:brand_lines_export", args=["csv"])), ",")

    assert [(r["Partner code"], r["Sale date"], r["Amount"]) for r in rows] == [
        (declared.partner.code, "2026-10-02", "1234.5"),
        (declared.partner.code, "2026-10-09", "99.9"),
    ]


@pytest.mark.django_db
def test_the_workbook_has_french_headers_and_typed_cells(declared):
    lines = DeclarationLine.objects.filter(declaration=declared)

    sheet = load_workbook(io.BytesIO(lines_xlsx(lines, language="fr"))).active

    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == headers("fr")
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Quantité"] == 3 and first["Montant"] == 1234.5
    assert first["Date de vente"].date() == date(2026, 10, 2)
    assert sheet.title == "Lignes de sell-out"


@pytest.mark.django_db
def test_small_chunks_give_the_same_file_as_one_chunk(declared):
    lines = DeclarationLine.objects.filter(declaration=declared)

    one = b"".join(lines_csv_stream(lines, language="fr", chunk_rows=10_000))
    many = b"".join(lines_csv_stream(lines, language="fr", chunk_rows=1))

    assert one == many and one.count(b"\n") == 3


def test_every_header_is_translated_in_french():
    english, french = headers("en"), headers("fr")

    assert len(english) == len(french)
    untranslated = [e for e, f in zip(english, french, strict=True) if e == f and e not in {"GTIN", "Source"}]
    assert untranslated == []

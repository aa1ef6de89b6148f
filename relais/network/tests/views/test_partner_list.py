"""The brand's partner list: sortable headers that never break mid-word, and the registry exported with the
list's filters and order, in the reader's language."""

import csv
import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import login_client
from relais.network.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partners(brand, other_brand):
    PartnerFactory(brand=brand, name="Bricolage Azur", code="B2", city="Nice", country="FR")
    PartnerFactory(brand=brand, name="=HYPERLINK(1)", code="A9", city="Lyon", country="FR")
    PartnerFactory(brand=brand, name="Zimmermann GmbH", code="C1", city="Berlin", country="DE")
    PartnerFactory(brand=other_brand, name="Autre marque", code="X1")


def streamed(response: Any) -> bytes:
    """The body of a streamed response (the test client's type does not say it streams)."""
    return b"".join(response.streaming_content)


def names(response) -> list[str]:
    return [p.name for p in response.context["page"]]


def test_the_list_sorts_by_a_header_and_reverses_on_a_second_click(brand_admin, partners):
    client = login_client(brand_admin)
    url = reverse("network:partner_list")
    assert names(client.get(url)) == ["=HYPERLINK(1)", "Bricolage Azur", "Zimmermann GmbH"]
    by_city = client.get(url, {"sort": "city"})
    assert names(by_city) == ["Zimmermann GmbH", "=HYPERLINK(1)", "Bricolage Azur"]
    assert by_city.context["sort_links"]["city"]["url"] == "?sort=-city"
    assert names(client.get(url, {"sort": "-code"})) == ["Zimmermann GmbH", "Bricolage Azur", "=HYPERLINK(1)"]
    assert names(client.get(url, {"sort": "brand_id"})) == names(client.get(url))  # unknown: by name
    html = client.get(url).content.decode()
    assert 'class="data partner-table"' in html and 'data-testid="export-csv"' in html


def test_a_french_reader_exports_the_filtered_registry_in_columns(brand_admin, partners):
    brand_admin.preferred_language = "fr"
    brand_admin.save()
    client = login_client(brand_admin)
    client.cookies["django_language"] = "fr"
    response = client.get(reverse("network:partner_export", args=["csv"]), {"country": "FR", "sort": "-name"})
    assert response.status_code == 200
    text = streamed(response).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Code", "Nom", "Type"]
    assert [row[1] for row in rows[1:]] == ["Bricolage Azur", "'=HYPERLINK(1)"]  # the formula neutralised
    assert "Autre marque" not in text


def test_the_xlsx_export_and_other_roles(brand_admin, partner_admin, partners):
    response = login_client(brand_admin).get(reverse("network:partner_export", args=["xlsx"]))
    book = load_workbook(io.BytesIO(streamed(response)))
    sheet = book.active
    assert [c.value for c in sheet[1]][:2] == ["Code", "Name"]
    assert sheet.max_row == 5  # the header, the brand's three partners and the partner admin's company
    assert login_client(partner_admin).get(reverse("network:partner_export", args=["csv"])).status_code == 403
    assert login_client(brand_admin).get(reverse("network:partner_export", args=["pdf"])).status_code == 404

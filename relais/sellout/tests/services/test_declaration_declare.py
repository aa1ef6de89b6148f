"""declaration_declare: one use case for every door that declares in one go (the API, EDIFACT)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from relais.api.services import api_key_create
from relais.catalog.models import Product
from relais.network.models import PartnerCompany
from relais.sellout.edifact import edifact_declaration_import
from relais.sellout.models import Declaration, Source
from relais.sellout.services import NothingDeclared, declaration_declare
from relais.sellout.tests.factories import catalogue
from relais.sellout.tests.test_edifact import slsrpt

pytestmark = pytest.mark.django_db

START, END = date(2026, 11, 1), date(2026, 11, 30)


@pytest.fixture
def products(brand) -> list[Product]:
    return catalogue(brand, count=2)


def sale(product: Product, **overrides: object) -> dict[str, object]:
    return {"gtin": product.gtin, "quantity": "4", "sale_date": "2026-11-05", "amount": "80.00", **overrides}


def test_lines_are_stored_and_the_declaration_submitted(partner, products):
    declaration, result = declaration_declare(
        partner=partner,
        lines=[sale(products[0]), sale(products[1])],
        source=Source.API,
        period_start=START,
        period_end=END,
    )

    assert (result.accepted, result.stored) == (2, 2)
    assert declaration.status == Declaration.Status.VALIDATED and declaration.source == Source.API


def test_no_line_at_all_leaves_an_empty_draft(partner):
    declaration, result = declaration_declare(
        partner=partner, lines=[], source=Source.API, period_start=START, period_end=END
    )

    assert result.stored == 0 and declaration.status == Declaration.Status.DRAFT


def test_lines_none_of_which_is_stored_are_refused_and_nothing_is_kept(partner, products):
    with pytest.raises(NothingDeclared) as caught:
        declaration_declare(
            partner=partner,
            lines=[sale(products[0], gtin="3760000000999")],
            source=Source.API,
            row_labels=["LIN 1, segment 4"],
            period_start=START,
            period_end=END,
        )

    assert caught.value.result.rejected == 1
    assert caught.value.result.errors[0].message.startswith("LIN 1, segment 4: ")
    assert caught.value.extra["result"]["errors"][0]["field"] == "gtin"
    assert not Declaration.objects.exists()


def test_a_draft_keeps_its_refused_lines_to_itself(partner, products):
    declaration, result = declaration_declare(
        partner=partner,
        lines=[sale(products[0], gtin="3760000000999")],
        source=Source.API,
        submit=False,
        period_start=START,
        period_end=END,
    )

    assert result.rejected == 1 and declaration.status == Declaration.Status.DRAFT


def test_both_doors_refuse_sales_already_declared_with_the_same_error(partner: PartnerCompany, products):
    """The same sales sent again, by EDIFACT then by the JSON API: NothingDeclared, a 400 with the result."""
    text = slsrpt(products[0].gtin, products[1].gtin)
    edifact_declaration_import(partner=partner, text=text)
    with pytest.raises(NothingDeclared) as by_edifact:
        edifact_declaration_import(partner=partner, text=text)

    _key, secret = api_key_create(partner=partner, name="ERP")
    body = {
        "period_start": "2026-11-01",
        "period_end": "2026-11-30",
        "lines": [{"gtin": products[0].gtin, "quantity": 4, "amount": "50.00", "sale_date": "2026-11-05"}],
    }
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    by_api = client.post("/api/v1/declarations", data=json.dumps(body), content_type="application/json")
    by_edifact_api = client.post("/api/v1/edifact", data=text, content_type="application/edifact")

    assert by_api.status_code == by_edifact_api.status_code == 400
    assert by_api.json()["detail"] == by_edifact_api.json()["detail"] == by_edifact.value.message
    assert by_api.json()["result"]["duplicates"] == 1
    assert by_edifact_api.json()["result"]["duplicates"] == 3
    assert Declaration.objects.count() == 1

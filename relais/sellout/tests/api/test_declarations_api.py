"""HTTP-level tests of /api/v1/declarations and /api/v1/edifact: one per endpoint and per auth case."""

import json

import pytest
from django.test import Client

from relais.api.models import IdempotencyRecord
from relais.api.services import api_key_create, api_key_revoke
from relais.catalog.tests.factories import ProductFactory
from relais.network.tests.factories import PartnerFactory, SiteFactory
from relais.sellout.models import Declaration, DeclarationLine, Source
from relais.sellout.tests.api.conftest import declaration_body
from relais.sellout.tests.test_edifact import slsrpt

URL = "/api/v1/declarations"


def post(client, body, **headers):
    return client.post(URL, data=json.dumps(body), content_type="application/json", **headers)


def test_post_declaration_stores_lines_and_reports_row_errors(api, partner, product):
    response = post(api, declaration_body(product))

    assert response.status_code == 201, response.content
    data = response.json()
    declaration = Declaration.objects.get(pk=data["id"])
    assert declaration.partner == partner and declaration.source == Source.API
    assert data["declaration"]["status"] == Declaration.Status.PARTLY_REJECTED  # some lines were refused
    assert data["result"]["accepted"] == 2 and data["result"]["rejected"] == 1
    [error] = data["result"]["errors"]
    assert error["row"] == 3 and error["field"] == "gtin" and error["kind"] == "rejected"
    lines = DeclarationLine.objects.filter(declaration=declaration).order_by("source_row")
    assert [(line.quantity, line.channel) for line in lines] == [(3, "in_store"), (1, "online")]


def test_post_declaration_for_a_site_of_the_partner(api, partner, product):
    site = SiteFactory(partner=partner)
    response = post(api, declaration_body(product, site=site.pk))
    assert response.status_code == 201
    assert Declaration.objects.get(pk=response.json()["id"]).site == site


def test_post_declaration_refuses_another_partners_site(api, other_partner, product):
    site = SiteFactory(partner=other_partner)
    response = post(api, declaration_body(product, site=site.pk))
    assert response.status_code == 400
    assert "site" in response.json()["detail"]
    assert not Declaration.objects.exists()


def test_post_declaration_with_no_valid_line_keeps_nothing_and_says_why(api, product):
    body = declaration_body(
        product, lines=[{"gtin": "999", "quantity": 1, "amount": "3", "sale_date": "2026-10-01"}]
    )
    response = post(api, body)
    assert response.status_code == 400
    assert response.json()["result"]["errors"][0]["field"] == "gtin"
    assert not Declaration.objects.exists()


def test_post_declaration_body_not_matching_the_schema_is_a_422_naming_the_place(api, product):
    body = declaration_body(product)
    body["lines"][1]["quantity"] = "many"
    response = post(api, body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-3:] == ["lines", 1, "quantity"]


def test_post_declaration_period_in_reverse_is_refused(api, product):
    response = post(api, declaration_body(product, period_start="2026-11-01", period_end="2026-10-01"))
    assert response.status_code == 422


def test_post_declaration_for_a_future_year_or_ten_years_is_refused(api, product):
    future = post(api, declaration_body(product, period_start="2030-01-01", period_end="2030-01-31"))
    decade = post(api, declaration_body(product, period_start="2016-01-01", period_end="2026-10-31"))

    assert future.status_code == 400 and "period_end" in future.json()["detail"]
    assert decade.status_code == 400 and "at most 3 months" in decade.json()["detail"]
    assert not Declaration.objects.exists()


def test_get_declarations_lists_own_only_paginated(api, partner, other_partner, product, api_key_text):
    for month in ("2026-08", "2026-09", "2026-10"):
        body = declaration_body(product, period_start=f"{month}-01", period_end=f"{month}-28", lines=[])
        body["submit"] = False
        assert post(api, body).status_code == 201
    _key, other_text = api_key_create(partner=other_partner, name="theirs")
    other = Client(HTTP_AUTHORIZATION=f"Bearer {other_text}")
    assert post(other, declaration_body(product)).status_code == 201

    response = api.get(URL, {"limit": 2})

    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 3
    assert len(data["items"]) == 2
    assert {item["period_start"] for item in data["items"]} <= {"2026-08-01", "2026-09-01", "2026-10-01"}
    page_two = api.get(URL, {"limit": 2, "offset": 2}).json()
    assert len(page_two["items"]) == 1


def test_get_declaration_by_id_and_404_for_another_partners(api, other_partner, product):
    own_id = post(api, declaration_body(product)).json()["id"]
    _key, other_text = api_key_create(partner=other_partner, name="theirs")
    other_id = post(Client(HTTP_AUTHORIZATION=f"Bearer {other_text}"), declaration_body(product)).json()["id"]

    own = api.get(f"{URL}/{own_id}")
    assert own.status_code == 200 and own.json()["id"] == own_id and own.json()["lines_accepted"] == 2
    missing = api.get(f"{URL}/{other_id}")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Not Found"}


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer rk_nope_nope", "Basic abc"])
def test_requests_without_a_valid_key_are_401(db, header):
    client = Client(HTTP_AUTHORIZATION=header) if header else Client()
    for response in (client.get(URL), client.post(URL, data="{}", content_type="application/json")):
        assert response.status_code == 401
        assert "API key" in response.json()["detail"]
    assert not Declaration.objects.exists()


def test_a_revoked_key_is_refused(partner, product):
    api_key, text = api_key_create(partner=partner, name="old")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
    assert client.get(URL).status_code == 200
    api_key_revoke(api_key=api_key)
    assert client.get(URL).status_code == 401
    assert post(client, declaration_body(product)).status_code == 401


def test_another_brands_key_sees_nothing_and_cannot_declare_this_brands_products(other_brand, api, product):
    own_id = post(api, declaration_body(product)).json()["id"]
    foreign_partner = PartnerFactory(brand=other_brand)
    _key, text = api_key_create(partner=foreign_partner, name="globex")
    foreign = Client(HTTP_AUTHORIZATION=f"Bearer {text}")

    assert foreign.get(f"{URL}/{own_id}").status_code == 404
    assert foreign.get(URL).json()["count"] == 0
    response = post(foreign, declaration_body(product))
    assert response.status_code == 400  # the GTIN is not in Globex's catalogue: no line stored
    assert {e["field"] for e in response.json()["result"]["errors"]} == {"gtin"}


def test_idempotency_key_replays_the_same_response_without_new_work(api, product):
    body = declaration_body(product)
    first = post(api, body, HTTP_IDEMPOTENCY_KEY="order-2026-10")
    # Same body, other key order and spacing: still the same request.
    replay = api.post(
        URL,
        data=json.dumps(body, indent=2, sort_keys=True),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="order-2026-10",
    )

    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert Declaration.objects.count() == 1
    assert DeclarationLine.objects.count() == 2


def test_idempotency_key_with_another_body_is_a_409(api, product):
    post(api, declaration_body(product), HTTP_IDEMPOTENCY_KEY="k-1")
    response = post(api, declaration_body(product, period_end="2026-10-30"), HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 409
    assert "Idempotency-Key" in response.json()["detail"]
    assert Declaration.objects.count() == 1


def test_idempotency_key_in_progress_is_a_409(api, partner, product):
    IdempotencyRecord.objects.create(brand=partner.brand, partner=partner, key="busy", request_hash="x")
    response = post(api, declaration_body(product), HTTP_IDEMPOTENCY_KEY="busy")
    assert response.status_code == 409
    assert not Declaration.objects.exists()


def test_post_edifact_declares_a_sales_report(api, partner, brand):
    product_a = ProductFactory(brand=brand, list_price="12.50")
    product_b = ProductFactory(brand=brand, list_price="199.00")
    text = slsrpt(product_a.gtin, product_b.gtin)

    response = api.post("/api/v1/edifact", data=text, content_type="application/edifact")

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["declaration"]["source"] == Source.EDI
    assert data["declaration"]["period_start"] == "2026-11-01"
    assert data["result"]["accepted"] == 3 and data["result"]["rejected"] == 1
    assert data["result"]["errors"][0]["message"].startswith(
        "interchange SR0001, message 1, LIN 3, segment 19"
    )
    replay = api.post(
        "/api/v1/edifact", data=text, content_type="application/edifact", HTTP_IDEMPOTENCY_KEY="e1"
    )
    assert replay.status_code == 400
    assert replay.json()["result"]["duplicates"] == 3
    assert Declaration.objects.count() == 1


def test_post_edifact_that_is_not_edifact_is_a_400(api):
    response = api.post("/api/v1/edifact", data="gtin;qty\n1;2\n", content_type="text/plain")
    assert response.status_code == 400
    assert "EDIFACT" in response.json()["detail"]


def test_openapi_documents_the_endpoints_and_the_bearer_key(db):
    client = Client()
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/declarations", "/api/v1/declarations/{declaration_id}", "/api/v1/edifact"} <= set(
        spec["paths"]
    )
    schemes = spec["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
    assert spec["paths"]["/api/v1/declarations"]["post"]["responses"].keys() >= {"201", "401", "409", "422"}
    assert client.get("/api/v1/docs").status_code == 200


def test_an_overlong_idempotency_key_is_refused(api, product):
    response = post(api, declaration_body(product), HTTP_IDEMPOTENCY_KEY="k" * 256)
    assert response.status_code == 400
    assert "255" in response.json()["detail"]
    assert not Declaration.objects.exists()


def test_the_brand_sees_which_api_key_declared_and_which_user_submitted(
    api, partner, product, channel_manager
):
    from datetime import date

    from conftest import login_client, partner_user
    from relais.sellout.services import declaration_create, declaration_lines_add, declaration_submit

    by_api = Declaration.objects.get(pk=post(api, declaration_body(product)).json()["id"])
    seller = partner_user(
        partner, email="lea@martin.test", role="partner_seller", first_name="Léa", last_name="Roux"
    )
    by_hand = declaration_create(
        partner=partner, period_start=date(2026, 9, 1), period_end=date(2026, 9, 30), source=Source.FORM
    )
    declaration_lines_add(
        declaration=by_hand,
        rows=[{"gtin": product.gtin, "quantity": 1, "unit_price": "20.00", "sale_date": "2026-09-05"}],
    )
    declaration_submit(declaration=by_hand, user=seller)

    client = login_client(channel_manager)
    api_page = client.get(f"/brand/declarations/{by_api.pk}/").content.decode()
    hand_page = client.get(f"/brand/declarations/{by_hand.pk}/").content.decode()

    assert by_api.api_key is not None and by_api.submitted_by is None
    assert f"through the API key “{by_api.api_key.name}”" in api_page
    by_hand.refresh_from_db()
    assert by_hand.submitted_by == seller
    assert "by Léa Roux" in hand_page

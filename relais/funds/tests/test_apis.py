"""The funds API: balance, requests created once per Idempotency-Key, claims uploaded as multipart with
their proofs checked, lists."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from relais.api.services import api_key_create
from relais.funds import services
from relais.funds.models import FundClaim, FundRequest
from relais.funds.tests.factories import PDF, PNG, activity, fixed_allocation
from relais.network.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(partner):
    _key, text = api_key_create(partner=partner, name="ERP")
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


BODY = {
    "activity_type": "print_ad",
    "title": "Annonce presse",
    "planned_cost": "250.00",
    "starts_on": "2026-11-01",
    "ends_on": "2026-11-30",
    "expected_results": "Plus de visites",
}


def test_balance_then_request_once_per_key_then_claim_with_files(api, brand, partner):
    activity(brand)
    allocation = fixed_allocation(partner, amount="1000")
    balance = api.get("/api/v1/me/funds/balance").json()
    assert balance[0]["available"] == "1000.00" and balance[0]["kind"] == "fixed"

    body = {**BODY, "allocation_id": allocation.pk}
    first = api.post(
        "/api/v1/me/funds/requests", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="r1"
    )
    again = api.post(
        "/api/v1/me/funds/requests", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="r1"
    )
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and FundRequest.objects.count() == 1
    assert api.post("/api/v1/me/funds/requests", body, content_type="application/json").status_code == 400

    request = FundRequest.objects.get()
    services.fund_request_decide(request=request, decision="full")
    url = f"/api/v1/me/funds/requests/{request.pk}/claims"
    bad = api.post(
        url,
        {"actual_cost": "200", "proofs": [SimpleUploadedFile("facture.pdf", b"not a pdf")]},
        HTTP_IDEMPOTENCY_KEY="c1",
    )
    assert bad.status_code == 400 and "facture.pdf" in bad.json()["detail"]
    files = {
        "actual_cost": "200",
        "proofs": [SimpleUploadedFile("facture.pdf", PDF), SimpleUploadedFile("annonce.png", PNG)],
    }
    claim = api.post(url, files, HTTP_IDEMPOTENCY_KEY="c2")
    assert claim.status_code == 201, claim.content
    assert sorted(claim.json()["proofs"]) == ["invoice", "photo"]
    assert FundClaim.objects.count() == 1
    listed = api.get("/api/v1/me/funds/claims").json()
    assert [c["id"] for c in listed] == [claim.json()["id"]]
    assert api.get("/api/v1/me/funds/requests").json()[0]["status"] == "approved"
    assert Decimal(api.get("/api/v1/me/funds/balance").json()[0]["reserved"]) == Decimal("250")


def test_without_a_key_is_401(db):
    assert Client().get("/api/v1/me/funds/balance").status_code == 401


def test_another_partners_allocation_and_request_are_404(api, brand, other_partner, other_brand):
    activity(brand)
    theirs = fixed_allocation(other_partner, amount="500")
    their_request = services.fund_request_submit(
        allocation=theirs,
        activity_type=activity(brand, code="flyer"),
        title="Flyers",
        planned_cost=Decimal("100"),
        starts_on=theirs.budget.period_start,
        ends_on=theirs.budget.period_end,
        idempotency_key="theirs",
    )
    services.fund_request_decide(request=their_request, decision="full")
    other_brands = fixed_allocation(PartnerFactory(brand=other_brand), amount="500")

    for allocation in (theirs, other_brands):
        body = {**BODY, "allocation_id": allocation.pk}
        response = api.post(
            "/api/v1/me/funds/requests", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="x"
        )
        assert response.status_code == 404
    claim = api.post(
        f"/api/v1/me/funds/requests/{their_request.pk}/claims",
        {"actual_cost": "50", "proofs": [SimpleUploadedFile("facture.pdf", PDF)]},
        HTTP_IDEMPOTENCY_KEY="c",
    )
    assert claim.status_code == 404
    assert api.get("/api/v1/me/funds/balance").json() == []
    assert api.get("/api/v1/me/funds/requests").json() == []
    assert FundRequest.objects.count() == 1 and not FundClaim.objects.exists()

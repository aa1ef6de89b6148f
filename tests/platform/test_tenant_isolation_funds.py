"""Tenant isolation of the funds pages and API: each object URL (budget, request, claim, proof; the partner's
request and its cancel) opened by a user of another brand and by another partner is a 404, and nothing
moved; the owner reaches it (the control)."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import login_client
from relais.accounts.models import Role
from relais.accounts.tests.factories import UserFactory, partner_user
from relais.api.services import api_key_create
from relais.funds import ledger, services
from relais.funds.models import FundClaim, FundRequest
from relais.funds.tests.factories import PDF, activity, approved_request, fixed_allocation, invoice, photo
from relais.network.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def funds_of(brand, partner) -> SimpleNamespace:
    activity(brand, code=f"print_{partner.pk}")
    allocation = fixed_allocation(partner, amount="1000")
    request = approved_request(allocation, cost="300")
    claim = services.fund_claim_submit(
        request=request, actual_cost=Decimal("200"), files=[invoice(), photo()], idempotency_key="c"
    )
    return SimpleNamespace(
        partner=partner,
        admin=partner_user(partner, role=Role.PARTNER_ADMIN),
        staff=UserFactory(brand=brand, role=Role.BRAND_ADMIN),
        budget=allocation.budget,
        allocation=allocation,
        request=request,
        claim=claim,
        proof=claim.proofs.first(),
    )


BRAND_URLS = [
    ("funds:budget_detail", "get", lambda o: [o.budget.pk]),
    ("funds:budget_run", "post", lambda o: [o.budget.pk, "accrue"]),
    ("funds:request_detail", "get", lambda o: [o.request.pk]),
    ("funds:proof", "get", lambda o: [o.proof.pk]),
    ("funds:claim_decide", "post", lambda o: [o.claim.pk]),
    ("funds:request_decide", "post", lambda o: [o.request.pk]),
]
PARTNER_URLS = [
    ("funds:my_request", "get", lambda o: [o.request.pk]),
    ("funds:proof", "get", lambda o: [o.proof.pk]),
    ("funds:my_request", "post", lambda o: [o.request.pk]),
    ("funds:my_request_cancel", "post", lambda o: [o.request.pk]),
]


@pytest.fixture
def own(brand, partner):
    return funds_of(brand, partner)


@pytest.fixture
def sibling(brand):
    return funds_of(brand, PartnerFactory(brand=brand))


@pytest.fixture
def foreign(other_brand):
    return funds_of(other_brand, PartnerFactory(brand=other_brand))


def call(client, method, name, args):
    url = reverse(name, args=args)
    data = {"decision": "refused", "reason": "hijack", "actual_cost": "1", "idempotency_key": "hijack"}
    return client.get(url) if method == "get" else client.post(url, data)


def untouched(objects) -> None:
    request = FundRequest.objects.get(pk=objects.request.pk)
    assert request.status == FundRequest.Status.APPROVED
    assert FundClaim.objects.get(pk=objects.claim.pk).status == FundClaim.Status.SUBMITTED
    assert ledger.balance_of(objects.allocation.pk).reserved == Decimal("300")


@pytest.mark.parametrize("entry", BRAND_URLS, ids=lambda e: f"{e[1]}-{e[0]}")
def test_brand_object_urls_are_404_to_another_brand(entry, own, foreign):
    name, method, args = entry
    assert call(login_client(foreign.staff), method, name, args(own)).status_code == 404
    untouched(own)
    response = call(login_client(own.staff), method, name, args(own))
    assert response.status_code in (200, 302)


@pytest.mark.parametrize("entry", PARTNER_URLS, ids=lambda e: f"{e[1]}-{e[0]}")
def test_partner_object_urls_are_404_to_another_partner(entry, own, sibling, foreign):
    name, method, args = entry
    for stranger in (sibling.admin, foreign.admin):
        assert call(login_client(stranger), method, name, args(own)).status_code == 404
    untouched(own)
    assert call(login_client(own.admin), method, name, args(own)).status_code in (200, 302)


def test_api_sees_only_its_own_funds(own, sibling):
    _key, text = api_key_create(partner=sibling.partner, name="ERP")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
    balance = client.get("/api/v1/me/funds/balance").json()
    assert [row["allocation_id"] for row in balance] == [sibling.allocation.pk]
    assert [row["id"] for row in client.get("/api/v1/me/funds/requests").json()] == [sibling.request.pk]
    response = client.post(
        f"/api/v1/me/funds/requests/{own.request.pk}/claims",
        {"actual_cost": "1", "proofs": [SimpleUploadedFile("facture.pdf", PDF)]},
        HTTP_IDEMPOTENCY_KEY="hijack",
    )
    assert response.status_code == 404
    untouched(own)


def funds_objects(objects: SimpleNamespace) -> SimpleNamespace:
    """The funds of the language test's own partner, made once per site (its FILLERS open them)."""
    if not hasattr(objects, "funds"):
        partner = objects.own.partner
        objects.funds = funds_of(partner.brand, partner)
    return objects.funds

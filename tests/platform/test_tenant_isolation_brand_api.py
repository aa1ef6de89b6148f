"""Tenant isolation of the brand API keys, webhooks and personal data pages: another brand's admin, and
partner users, get a 404 (or a refusal) on each object URL; the owner — the control — reaches it. A brand key
reads only its own brand's sell-out and never a partner endpoint; a partner key never a brand endpoint."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conftest import login_client
from relais.accounts.models import Role
from relais.accounts.tests.factories import UserFactory, partner_user
from relais.api.models import BrandApiKey
from relais.api.services import api_key_create, brand_api_key_create
from relais.incentives.tests.factories import declaration_with_lines
from relais.network.tests.factories import PartnerFactory
from relais.sellout.models import Declaration
from relais.webhooks.models import WebhookDelivery, WebhookEndpoint
from relais.webhooks.services import webhook_endpoint_create, webhook_event_emit

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(brand, other_brand, partner, brand_admin, partner_admin):
    key, _text = brand_api_key_create(brand=brand, name="ERP", scopes=["sellout:read"])
    endpoint, _secret = webhook_endpoint_create(
        brand=brand, url="https://erp.example.com/hooks", events=["declaration.validated"]
    )
    (delivery,) = webhook_event_emit(brand=brand, event_type="declaration.validated", data={})
    return {
        "key": key,
        "endpoint": endpoint,
        "delivery": delivery,
        "seller": partner_user(partner, role=Role.PARTNER_SELLER),
        "foreign_admin": UserFactory(role=Role.BRAND_ADMIN, brand=other_brand),
        "foreign_partner_admin": partner_user(PartnerFactory(brand=other_brand)),
        "partner_admin": partner_admin,
        "owner": brand_admin,
    }


def urls(o) -> list[str]:
    return [
        f"/brand/api-keys/{o['key'].pk}/revoke/",
        f"/brand/webhooks/{o['endpoint'].pk}/toggle/",
        f"/brand/webhooks/deliveries/{o['delivery'].pk}/replay/",
        f"/brand/personal-data/users/{o['seller'].pk}/export/",
    ]


def state(o) -> tuple:
    return (
        BrandApiKey.objects.get(pk=o["key"].pk).revoked_at,
        WebhookEndpoint.objects.get(pk=o["endpoint"].pk).is_active,
        WebhookDelivery.objects.get(pk=o["delivery"].pk).status,
    )


@pytest.mark.parametrize("intruder", ["foreign_admin", "foreign_partner_admin", "partner_admin"])
def test_another_brand_or_a_partner_never_reaches_a_brand_object(objects, intruder):
    client = login_client(objects[intruder])
    before = state(objects)

    statuses = {url: client.post(url).status_code for url in urls(objects)}

    assert all(code in (403, 404) for code in statuses.values()), statuses
    if intruder == "foreign_admin":
        assert set(statuses.values()) == {404}, statuses
    assert state(objects) == before


def test_the_owner_reaches_each_object(objects):
    client = login_client(objects["owner"])

    statuses = [client.post(url).status_code for url in urls(objects)]

    assert statuses == [302, 302, 302, 200]


def test_a_brand_key_reads_only_its_own_brand_and_a_partner_key_no_brand_endpoint(
    brand, other_brand, partner
):
    old = timezone.now() - timedelta(hours=1)
    mine = declaration_with_lines(partner, lines=[{"quantity": 1}], status=Declaration.Status.VALIDATED)
    theirs = declaration_with_lines(
        PartnerFactory(brand=other_brand), lines=[{"quantity": 1}], status=Declaration.Status.VALIDATED
    )
    Declaration.objects.filter(pk__in=[mine.pk, theirs.pk]).update(updated_at=old)
    _key, brand_text = brand_api_key_create(brand=brand, name="ERP", scopes=["sellout:read"])
    _pkey, partner_text = api_key_create(partner=partner, name="ERP")

    def get(text: str, url: str):
        return Client().get(url, HTTP_AUTHORIZATION=f"Bearer {text}")

    body = get(brand_text, "/api/v1/brand/sellout").json()
    assert {i["declaration_id"] for i in body["items"]} == {mine.pk}
    assert get(partner_text, "/api/v1/brand/sellout").status_code == 401
    assert get(brand_text, "/api/v1/declarations").status_code == 401

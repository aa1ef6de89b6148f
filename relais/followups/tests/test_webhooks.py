"""The brand's webhook events: a validated declaration and a reward order's status change each become a
delivery to the endpoints that chose them, with a payload that names partners by code and no person."""

from __future__ import annotations

from datetime import date

import pytest

from relais.followups import declarations, rewards
from relais.incentives import services as incentives
from relais.incentives.tests.factories import RewardFactory, credit
from relais.sellout.services import declaration_create, declaration_lines_add
from relais.sellout.tests.factories import catalogue
from relais.webhooks.models import WebhookDelivery, WebhookEvent
from relais.webhooks.services import webhook_endpoint_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(brand):
    endpoint, _secret = webhook_endpoint_create(
        brand=brand, url="https://erp.example.com/hooks", events=list(WebhookEvent.values)
    )
    return endpoint


def test_a_declaration_validated_at_submission_is_sent_with_its_totals(
    brand, partner, partner_admin, endpoint
):
    products = catalogue(brand, count=1)
    declaration = declaration_create(
        partner=partner, period_start=date(2026, 11, 1), period_end=date(2026, 11, 30), source="form"
    )
    declaration_lines_add(
        declaration=declaration,
        rows=[{"gtin": products[0].gtin, "quantity": "3", "unit_price": "20", "sale_date": "2026-11-02"}],
    )

    declarations.declaration_submit(declaration=declaration, user=partner_admin)

    delivery = WebhookDelivery.objects.get(event_type=WebhookEvent.DECLARATION_VALIDATED)
    data = delivery.payload["data"]
    assert delivery.endpoint == endpoint
    assert data["declaration"]["id"] == declaration.pk
    assert data["declaration"]["quantity"] == 3
    assert data["declaration"]["amount"] == "60.00"
    assert data["partner"] == {"id": partner.pk, "code": partner.code}
    assert partner_admin.email not in str(delivery.payload)


def test_an_order_approved_then_shipped_is_sent_twice(brand, partner, partner_admin, brand_admin, endpoint):
    credit(partner, 500)
    order = incentives.reward_redeem(
        partner=partner,
        reward=RewardFactory(brand=brand, points_price=100, stock=3),
        quantity=1,
        user=partner_admin,
        idempotency_key="o-1",
    )

    rewards.order_approve(order=order, user=brand_admin)
    rewards.order_ship(order=order, user=brand_admin)

    statuses = [
        d.payload["data"]["order"]["status"]
        for d in WebhookDelivery.objects.filter(event_type=WebhookEvent.ORDER_STATUS_CHANGED).order_by("id")
    ]
    assert statuses == ["approved", "shipped"]


def test_an_order_cancelled_by_the_brand_or_withdrawn_by_the_partner_is_sent(
    brand, partner, partner_admin, brand_admin, endpoint
):
    credit(partner, 500)
    reward = RewardFactory(brand=brand, points_price=100, stock=3)
    first, second = (
        incentives.reward_redeem(
            partner=partner, reward=reward, quantity=1, user=partner_admin, idempotency_key=f"o-{n}"
        )
        for n in (1, 2)
    )

    rewards.order_cancel(order=first, user=brand_admin, reason="Rupture")
    rewards.order_cancel_by_partner(order=second, user=partner_admin)

    sent = [
        (d.payload["data"]["order"]["id"], d.payload["data"]["order"]["status"])
        for d in WebhookDelivery.objects.filter(event_type=WebhookEvent.ORDER_STATUS_CHANGED).order_by("id")
    ]
    assert sent == [(first.pk, "cancelled"), (second.pk, "cancelled")]

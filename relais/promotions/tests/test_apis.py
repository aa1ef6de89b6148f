"""HTTP-level tests of /api/v1/promotions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from relais.api.services import api_key_create
from relais.catalog.tests.factories import ProductFactory
from relais.network.tests.factories import PartnerFactory
from relais.promotions.models import PromotionStatus
from relais.promotions.tests.factories import PromotionFactory

pytestmark = pytest.mark.django_db


def test_my_promotions_lists_current_then_upcoming(brand, partner, partner_admin):
    today = timezone.localdate()
    ProductFactory(brand=brand, family="Tools", name="Perceuse 18 V")
    PromotionFactory(
        brand=brand,
        name="Bientôt",
        announce_from=today - timedelta(days=1),
        start=today + timedelta(days=5),
        end=today + timedelta(days=20),
    )
    PromotionFactory(
        brand=brand,
        name="En cours",
        announce_from=today - timedelta(days=9),
        start=today - timedelta(days=2),
        end=today,
    )
    PromotionFactory(
        brand=brand, name="Passée", start=today - timedelta(days=30), end=today - timedelta(days=1)
    )
    PromotionFactory(
        brand=brand, name="Brouillon", status=PromotionStatus.DRAFT, end=today + timedelta(days=2)
    )
    _key, text = api_key_create(partner=partner, name="ERP", created_by=partner_admin)

    response = Client(HTTP_AUTHORIZATION=f"Bearer {text}").get("/api/v1/promotions")

    assert response.status_code == 200
    body = response.json()
    assert [(p["name"], p["phase"]) for p in body] == [("En cours", "current"), ("Bientôt", "upcoming")]
    assert body[0]["points_per_unit"] == 5 and body[0]["families"] == ["Tools"]
    assert body[0]["price_message"] == "-15 % pour vos clients"


def test_my_promotions_needs_a_key_and_shows_no_other_brand(brand, other_brand):
    other = PartnerFactory(brand=other_brand)
    PromotionFactory(brand=brand, name="Ours", end=timezone.localdate() + timedelta(days=3))
    _key, text = api_key_create(partner=other, name="ERP")

    assert Client().get("/api/v1/promotions").status_code == 401
    assert Client(HTTP_AUTHORIZATION=f"Bearer {text}").get("/api/v1/promotions").json() == []

"""The promotions pages: the brand creates, publishes and closes; the partner sees current and upcoming."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login_client
from relais.network.tests.factories import SegmentFactory
from relais.promotions.models import Promotion, PromotionStatus
from relais.promotions.tests.factories import PromotionFactory

pytestmark = pytest.mark.django_db


def dates(start_in: int, length: int = 20, announce: int = 10) -> dict:
    today = timezone.localdate()
    start = today + timedelta(days=start_in)
    return {
        "announce_from": start - timedelta(days=announce),
        "start": start,
        "end": start + timedelta(days=length),
    }


def test_the_brand_creates_a_draft_then_publishes_and_closes_it(brand, brand_admin):
    client = login_client(brand_admin)
    when = dates(5)

    response = client.post(
        reverse("promotions:new"),
        {
            "name": "Rentrée des pros",
            "announce_from": when["announce_from"].isoformat(),
            "start": when["start"].isoformat(),
            "end": when["end"].isoformat(),
            "families": "Perceuses, Visseuses",
            "points_per_unit": "5",
            "price_message": "-15 % pour vos clients",
        },
    )

    promotion = Promotion.objects.get(brand=brand)
    assert response.status_code == 302 and promotion.families == ["Perceuses", "Visseuses"]
    page = client.get(reverse("promotions:detail", args=[promotion.pk]))
    assert page.status_code == 200 and b"-15 % pour vos clients" in page.content
    client.post(reverse("promotions:status", args=[promotion.pk]), {"action": "publish"})
    assert Promotion.objects.get(pk=promotion.pk).status == PromotionStatus.PUBLISHED
    client.post(reverse("promotions:status", args=[promotion.pk]), {"action": "close"})
    assert Promotion.objects.get(pk=promotion.pk).status == PromotionStatus.CLOSED


def test_a_bad_promotion_names_the_field(brand, brand_admin):
    client = login_client(brand_admin)
    when = dates(5)

    response = client.post(
        reverse("promotions:new"),
        {"name": "Sans produits", **{k: v.isoformat() for k, v in when.items()}, "points_per_unit": "1"},
    )

    assert response.status_code == 200
    assert "product_gtins" in response.context["form"].errors
    assert not Promotion.objects.exists()


def test_the_partner_sees_its_current_and_upcoming_promotions_only(brand, partner, partner_seller):
    PromotionFactory(brand=brand, name="En cours", **dates(-3))
    PromotionFactory(brand=brand, name="Bientôt", **dates(4))
    PromotionFactory(brand=brand, name="Pas encore annoncée", **dates(30, announce=5))
    PromotionFactory(brand=brand, name="Brouillon", status=PromotionStatus.DRAFT, **dates(-3))
    other_segment = PromotionFactory(brand=brand, name="Autre segment", **dates(-3))
    other_segment.segments.set([SegmentFactory(brand=brand)])

    response = login_client(partner_seller).get(reverse("promotions:mine"))

    html = response.content.decode()
    assert response.status_code == 200
    assert [i.promotion.name for i in response.context["current"]] == ["En cours"]
    assert [i.promotion.name for i in response.context["upcoming"]] == ["Bientôt"]
    for hidden in ("Pas encore annoncée", "Brouillon", "Autre segment"):
        assert hidden not in html


def test_partners_cannot_open_brand_pages(partner_admin, brand):
    promotion = PromotionFactory(brand=brand)
    client = login_client(partner_admin)

    assert client.get(reverse("promotions:list")).status_code == 403
    assert client.get(reverse("promotions:detail", args=[promotion.pk])).status_code == 403

"""The promotions demo: a past promotion with its points paid, a current one and an upcoming one."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from relais.incentives.tests.factories import RewardFactory
from relais.network.tests.factories import SegmentFactory
from relais.programs.tests.factories import member, sell
from relais.promotions import demo
from relais.promotions.models import Promotion, PromotionStatus
from relais.promotions.rules import promotion_phase
from relais.sellout.tests.factories import catalogue

pytestmark = pytest.mark.django_db


def test_the_demo_writes_a_past_a_current_and_an_upcoming_promotion(brand, partner):
    products = catalogue(brand, count=3)
    segment = SegmentFactory(brand=brand, name="Aa segment")
    member(segment, partner)
    RewardFactory(brand=brand)
    past_day = (timezone.localdate().replace(day=1) - timedelta(days=120)).replace(day=1) + timedelta(days=3)
    sell(partner, products[0], day=past_day, quantity=4)

    counts = demo.load(brand=brand, rng=random.Random(1))

    today = timezone.localdate()
    phases = {
        p.name: (p.status, promotion_phase(p, today=today)) for p in Promotion.objects.filter(brand=brand)
    }
    assert sorted(phases.values()) == [
        (PromotionStatus.CLOSED, "past"),
        (PromotionStatus.PUBLISHED, "current"),
        (PromotionStatus.PUBLISHED, "upcoming"),
    ]
    assert counts["promotions"] == 3

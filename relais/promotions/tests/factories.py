"""Factories for promotions tests."""

from __future__ import annotations

from datetime import date

import factory

from relais.promotions.models import Promotion, PromotionStatus


class PromotionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Promotion

    name = factory.Sequence(lambda n: f"Promotion {n}")
    announce_from = date(2025, 12, 15)
    start = date(2026, 1, 1)
    end = date(2026, 1, 31)
    families = factory.LazyFunction(lambda: ["Tools"])
    points_per_unit = 5
    price_message = "-15 % pour vos clients"
    status = PromotionStatus.PUBLISHED

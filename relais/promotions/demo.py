"""Demo promotions of Atelier Lumen: a spring promotion for one segment, over and measured (its extra points
paid on the validated lines of its months); the current one for the whole network, with a price message and
a bonus reward; an upcoming one already announced to its segment."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from relais.catalog.models import Product
from relais.core.models import Brand
from relais.incentives.models import Reward
from relais.network.models import Segment
from relais.promotions import services
from relais.promotions.models import Promotion, PromotionStatus
from relais.sellout.models import Declaration


def _families(brand: Brand) -> list[str]:
    return list(
        Product.objects.filter(brand=brand)
        .exclude(family="")
        .order_by("family")
        .values_list("family", flat=True)
        .distinct()
    )


def load(*, brand: Brand, rng: random.Random) -> dict[str, int]:
    """Write the demo promotions of ``brand`` (after the sell-out, the segments and the rewards)."""
    today = timezone.localdate()
    families = _families(brand) or ["Éclairage"]
    segments = list(Segment.objects.filter(brand=brand).order_by("name"))
    reward = Reward.objects.filter(brand=brand, is_active=True).order_by("points_price").first()
    past_start = (today.replace(day=1) - dt.timedelta(days=120)).replace(day=1)
    past_end = (past_start + dt.timedelta(days=40)).replace(day=1) - dt.timedelta(days=1)
    past = services.promotion_save(
        brand=brand,
        name="Printemps de la lumière",
        description="Mettez en avant la gamme en vitrine : 5 points par unité vendue pendant un mois.",
        announce_from=past_start - dt.timedelta(days=14),
        start=past_start,
        end=past_end,
        families=[families[0]],
        segments=segments[:1],
        points_per_unit=5,
        price_message="-10 % pour vos clients sur la gamme",
    )
    # Published then closed as it ended: its dates are in the past, so the rows are set as they were.
    Promotion.objects.filter(pk=past.pk).update(
        status=PromotionStatus.CLOSED,
        published_at=timezone.now() - dt.timedelta(days=140),
        closed_at=timezone.now() - dt.timedelta(days=80),
    )
    past.refresh_from_db()
    declarations = Declaration.objects.filter(
        brand=brand, period_start__lte=past.end, period_end__gte=past.start
    ).exclude(status=Declaration.Status.DRAFT)
    paid = 0
    for declaration in declarations.order_by("pk").iterator(chunk_size=200):
        paid += sum(r["points"] for r in services.promotion_points_post(declaration=declaration).values())
    current = services.promotion_save(
        brand=brand,
        name="Fêtes de fin d'année",
        description="Season's lighting: extra points on every unit, and a bonus reward from 20 units.",
        announce_from=today - dt.timedelta(days=20),
        start=today - dt.timedelta(days=5),
        end=today + dt.timedelta(days=25),
        families=families[1:3] or families[:1],
        points_per_unit=3,
        bonus_reward=reward,
        bonus_threshold_units=20 if reward else None,
        price_message="-15 % pour vos clients / -15 % for your customers",
    )
    services.promotion_publish(promotion=current)
    upcoming = services.promotion_save(
        brand=brand,
        name="Soldes d'hiver",
        description="Préparez vos rayons : la promotion démarre dans dix jours.",
        announce_from=today - dt.timedelta(days=3),
        start=today + dt.timedelta(days=10),
        end=today + dt.timedelta(days=40),
        families=families[-1:],
        segments=segments[1:2],
        points_per_unit=rng.choice([2, 4]),
        price_message="2 achetés, le 3e à -50 %",
    )
    services.promotion_publish(promotion=upcoming)
    return {"promotions": 3, "promotion points": paid}

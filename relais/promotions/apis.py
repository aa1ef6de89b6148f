"""The promotions API (key auth): my company's current and upcoming promotions."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from relais.api.auth import api_key_auth, request_partner
from relais.api.schemas import ErrorOut
from relais.promotions import selectors

router = Router(tags=["promotions"], auth=api_key_auth)


class PromotionOut(Schema):
    id: int
    name: str
    description: str
    phase: str
    announce_from: date
    start: date
    end: date
    price_message: str
    points_per_unit: int
    bonus_reward: str | None
    bonus_threshold_units: int | None
    product_gtins: list[str]
    families: list[str]
    units: int
    points: int
    bonus_earned: bool


@router.get("/promotions", response={200: list[PromotionOut], 401: ErrorOut})
def my_promotions(request: HttpRequest) -> list[PromotionOut]:
    """The published promotions my company is eligible for: current first, then upcoming (announced)."""
    partner = request_partner(request)
    return [
        PromotionOut(
            id=item.promotion.pk,
            name=item.promotion.name,
            description=item.promotion.description,
            phase=item.phase,
            announce_from=item.promotion.announce_from,
            start=item.promotion.start,
            end=item.promotion.end,
            price_message=item.promotion.price_message,
            points_per_unit=item.promotion.points_per_unit,
            bonus_reward=item.promotion.bonus_reward.name if item.promotion.bonus_reward else None,
            bonus_threshold_units=item.promotion.bonus_threshold_units,
            product_gtins=list(item.promotion.product_gtins),
            families=list(item.promotion.families),
            units=item.units,
            points=item.points,
            bonus_earned=item.bonus_earned,
        )
        for item in selectors.partner_promotions(partner=partner, today=timezone.localdate())
    ]

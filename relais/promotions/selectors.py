"""Reads of the promotions domain, brand- and partner-scoped. ``*_get`` raises Http404, ``*_find`` returns None."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from relais.catalog.models import Product
from relais.core.models import Brand
from relais.network.models import PartnerCompany
from relais.promotions.models import Promotion, PromotionCredit, PromotionStatus
from relais.promotions.rules import (
    EARNING,
    promotion_eligible_partners,
    promotion_is_partner_eligible,
    promotion_phase,
    promotion_products_q,
)
from relais.sellout.models import Declaration


def promotion_list(*, brand: Brand) -> QuerySet[Promotion]:
    return Promotion.objects.filter(brand=brand).prefetch_related("segments").order_by("-start", "name")


def promotion_get(*, brand: Brand, promotion_id: int) -> Promotion:
    promotion = Promotion.objects.filter(brand=brand, pk=promotion_id).select_related("bonus_reward").first()
    if promotion is None:
        raise Http404
    return promotion


def promotions_earning_exist(*, declaration: Declaration) -> bool:
    """Whether a published or closed promotion with points overlaps the declaration's period."""
    return (
        Promotion.objects.filter(
            brand_id=declaration.brand_id,
            status__in=EARNING,
            start__lte=declaration.period_end,
            end__gte=declaration.period_start,
        )
        .filter(Q(points_per_unit__gt=0) | Q(bonus_reward__isnull=False))
        .exists()
    )


@dataclass(frozen=True)
class PartnerPromotion:
    """A promotion as its partner sees it: its phase, its products, and what the partner earned so far."""

    promotion: Promotion
    phase: str
    products: list[Product]
    units: int
    points: int
    bonus_earned: bool

    @property
    def units_to_bonus(self) -> int | None:
        threshold = self.promotion.bonus_threshold_units
        if threshold is None or self.bonus_earned:
            return None
        return max(threshold - self.units, 0)


def partner_promotions(*, partner: PartnerCompany, today: date) -> list[PartnerPromotion]:
    """The published promotions the partner is eligible for, current then upcoming (announced, not started)."""
    candidates = Promotion.objects.filter(
        brand_id=partner.brand_id, status=PromotionStatus.PUBLISHED, announce_from__lte=today, end__gte=today
    ).select_related("bonus_reward")
    mine = [p for p in candidates if promotion_is_partner_eligible(promotion=p, partner_id=partner.pk)]
    earned = _partner_credits(partner=partner, promotion_ids=[p.pk for p in mine])
    out = []
    for promotion in mine:
        units, points, bonus = earned.get(promotion.pk, (0, 0, False))
        out.append(
            PartnerPromotion(
                promotion=promotion,
                phase=promotion_phase(promotion, today=today),
                products=list(
                    Product.objects.filter(
                        promotion_products_q(promotion, on_product=True), brand_id=partner.brand_id
                    ).order_by("name")[:20]
                ),
                units=units,
                points=points,
                bonus_earned=bonus,
            )
        )
    out.sort(key=lambda p: (p.phase != "current", p.promotion.start, p.promotion.name))
    return out


def partner_promotion_get(*, partner: PartnerCompany, promotion_id: int, today: date) -> PartnerPromotion:
    for item in partner_promotions(partner=partner, today=today):
        if item.promotion.pk == promotion_id:
            return item
    raise Http404


def _partner_credits(
    *, partner: PartnerCompany, promotion_ids: list[int]
) -> dict[int, tuple[int, int, bool]]:
    rows = (
        PromotionCredit.objects.filter(partner=partner, promotion_id__in=promotion_ids)
        .values("promotion_id")
        .annotate(
            units=Sum("units", filter=Q(kind=PromotionCredit.Kind.UNITS)),
            points=Sum("points"),
            bonus=Count("pk", filter=Q(kind=PromotionCredit.Kind.BONUS)),
        )
    )
    return {r["promotion_id"]: (r["units"] or 0, r["points"] or 0, bool(r["bonus"])) for r in rows}


def promotion_points_total(*, promotion: Promotion) -> int:
    """The points the promotion credited (extra points and bonus rewards)."""
    return promotion.credits.aggregate(p=Sum("points"))["p"] or 0


def promotion_uptake(*, promotion: Promotion) -> dict[str, Any]:
    """Who took the promotion up: eligible partners, partners that earned, and per partner its units, points
    and bonus (those that earned, most units first)."""
    eligible = promotion_eligible_partners(promotion=promotion).filter(is_active=True).count()
    rows = list(
        PromotionCredit.objects.filter(promotion=promotion)
        .values("partner_id", "partner__name", "partner__code")
        .annotate(
            units=Sum("units", filter=Q(kind=PromotionCredit.Kind.UNITS)),
            points=Sum("points"),
            bonus=Count("pk", filter=Q(kind=PromotionCredit.Kind.BONUS)),
        )
        .order_by("-units", "partner__name")
    )
    for row in rows:
        row["units"] = row["units"] or 0
    return {
        "eligible": eligible,
        "earning": len(rows),
        "units": sum(r["units"] for r in rows),
        "points": sum(r["points"] or 0 for r in rows),
        "bonuses": sum(1 for r in rows if r["bonus"]),
        "partners": rows,
    }


def promotion_phase_of(*, promotion: Promotion, today: date) -> str:
    """The promotion's phase on ``today`` (``rules.promotion_phase``)."""
    return promotion_phase(promotion, today=today)

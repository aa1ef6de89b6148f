"""What a partner may see of the OTHER partners: anonymised aggregates only (k-anonymity).

Each figure is built from at least ``K_MIN_OTHERS`` other partners, or not shown; never a minimum, a maximum
or one partner's figure (medians are rounded to two significant figures, regional rankings carry no figures).
"""

from __future__ import annotations

import statistics
from math import floor, log10
from typing import Any

from django.db.models import QuerySet, Sum

from relais.catalog.models import Product
from relais.core.models import Brand
from relais.insights.feedback import theme_label
from relais.insights.models import FeedbackThemeRollup, ProductRollup, SelloutRollup
from relais.insights.periods import Period
from relais.insights.selectors.common import (
    K_MIN_OTHERS,
    cents_to_amount,
    partner_current_segments,
    segment_current_members,
)
from relais.network.models import PartnerCompany


def _partner_totals(
    *, brand_id: int, partner_ids: Any, period: Period, metric: str = "amount_cents"
) -> dict[int, int]:
    rows = SelloutRollup.objects.filter(
        brand_id=brand_id, partner_id__in=partner_ids, month__gte=period.start, month__lt=period.stop
    )
    if metric == "amount_cents":
        # Amounts only add up in one currency: the brand's (units count whatever the currency).
        rows = rows.filter(currency=Brand.objects.filter(pk=brand_id).values("currency")[:1])
    totals = rows.values("partner_id").annotate(total=Sum(metric))
    return {r["partner_id"]: int(r["total"] or 0) for r in totals}


def _round_significant(value: float, digits: int = 2) -> float:
    """Round to ``digits`` significant figures, so a median is never exactly one partner's figure."""
    if value == 0:
        return 0.0
    return round(value, -floor(log10(abs(value))) + (digits - 1))


def _quartile(mine: int, others: list[int]) -> int:
    """1 (bottom quarter) to 4 (top quarter): where ``mine`` stands among the others."""
    below = sum(1 for v in others if v < mine) + 0.5 * sum(1 for v in others if v == mine)
    return min(4, 1 + int(4 * below / len(others)))


def partner_benchmarks(*, partner: PartnerCompany, period: Period) -> list[dict[str, Any]]:
    """For each segment the partner is in now: the median sell-out of the OTHER partners of the segment that
    declared over the period, and the partner's quartile among them — only when at least ``K_MIN_OTHERS``
    other partners are behind the figure. Never a minimum, a maximum or another partner's figure.
    """
    out: list[dict[str, Any]] = []
    segments = partner_current_segments(brand_id=partner.brand_id, partner_id=partner.pk)
    for segment in segments:
        member_ids = segment_current_members(segment).exclude(partner=partner).values("partner_id")
        entry: dict[str, Any] = {"segment": segment, "available": False}
        for metric, key in (("amount_cents", "amount"), ("units", "units")):
            others = _partner_totals(
                brand_id=partner.brand_id, partner_ids=member_ids, period=period, metric=metric
            )
            if len(others) < K_MIN_OTHERS:
                break
            mine = _partner_totals(
                brand_id=partner.brand_id, partner_ids=[partner.pk], period=period, metric=metric
            ).get(partner.pk, 0)
            values = sorted(others.values())
            median = _round_significant(statistics.median(values))
            entry[key] = {
                "mine": cents_to_amount(mine) if key == "amount" else mine,
                "median": cents_to_amount(int(median)) if key == "amount" else int(median),
                "quartile": _quartile(mine, values),
            }
            entry["available"] = True
        out.append(entry)
    return out


def _region_partner_ids(partner: PartnerCompany) -> QuerySet[PartnerCompany]:
    return PartnerCompany.objects.filter(
        brand_id=partner.brand_id, country=partner.country, region=partner.region
    ).exclude(pk=partner.pk)


def region_best_sellers(*, partner: PartnerCompany, period: Period, limit: int = 10) -> dict[str, Any] | None:
    """Product ranks (no figures) in the partner's region over the period, over the region's partners —
    None when fewer than ``K_MIN_OTHERS`` other partners of the region sold over the period."""
    others = (
        ProductRollup.objects.filter(
            brand_id=partner.brand_id,
            partner_id__in=_region_partner_ids(partner).values("pk"),
            month__gte=period.start,
            month__lt=period.stop,
        )
        .values("partner_id")
        .distinct()
        .count()
    )
    if others < K_MIN_OTHERS:
        return None
    region_ids = PartnerCompany.objects.filter(
        brand_id=partner.brand_id, country=partner.country, region=partner.region
    ).values("pk")
    rows = (
        ProductRollup.objects.filter(
            brand_id=partner.brand_id,
            partner_id__in=region_ids,
            month__gte=period.start,
            month__lt=period.stop,
        )
        .values("product_id")
        .annotate(u=Sum("units"))
        .filter(u__gt=0)
        .order_by("-u", "product_id")[:limit]
    )
    products = Product.objects.in_bulk([r["product_id"] for r in rows])
    return {
        "region": partner.region or partner.country,
        "ranks": [{"rank": i, "product": products[r["product_id"]]} for i, r in enumerate(rows, start=1)],
    }


def segment_feedback_themes(*, partner: PartnerCompany, period: Period) -> list[dict[str, Any]]:
    """For each of the partner's segments: the share of customer comments by theme among the OTHER partners
    of the segment — only when at least ``K_MIN_OTHERS`` other partners left comments over the period."""
    out: list[dict[str, Any]] = []
    segments = partner_current_segments(brand_id=partner.brand_id, partner_id=partner.pk)
    for segment in segments:
        rows = FeedbackThemeRollup.objects.filter(
            brand_id=partner.brand_id,
            partner_id__in=segment_current_members(segment).exclude(partner=partner).values("partner_id"),
            month__gte=period.start,
            month__lt=period.stop,
        )
        contributors = rows.values("partner_id").distinct().count()
        if contributors < K_MIN_OTHERS:
            out.append({"segment": segment, "available": False})
            continue
        counts = {r["theme"]: int(r["n"]) for r in rows.values("theme").annotate(n=Sum("lines"))}
        total = sum(counts.values())
        out.append(
            {
                "segment": segment,
                "available": True,
                "themes": [
                    {"theme": t, "label": theme_label(t), "share": round(100 * counts[t] / total)}
                    for t in sorted(counts, key=lambda t: (-counts[t], t))
                ],
            }
        )
    return out

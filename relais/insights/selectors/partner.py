"""A partner's own figures (its insights page, and the brand's drill-down on it): trend, online share,
best sellers. Only the partner's own rollup rows are read."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Sum

from relais.catalog.models import Product
from relais.insights.models import ProductRollup, SelloutRollup
from relais.insights.periods import Period
from relais.insights.selectors.common import cents_to_amount
from relais.network.models import PartnerCompany
from relais.sellout.models import SaleChannel


def partner_trend(*, partner: PartnerCompany, period: Period) -> list[dict[str, Any]]:
    """The partner's own sell-out by month: units, amount in the brand's currency, online units."""
    currency = partner.brand.currency
    rows = SelloutRollup.objects.filter(
        brand_id=partner.brand_id, partner=partner, month__gte=period.start, month__lt=period.stop
    )
    units: Counter[dt.date] = Counter()
    online: Counter[dt.date] = Counter()
    cents: Counter[dt.date] = Counter()
    for month, channel, cur, u, a in rows.values_list(
        "month", "channel", "currency", "units", "amount_cents"
    ):
        units[month] += u
        if channel == SaleChannel.ONLINE:
            online[month] += u
        if cur == currency:
            cents[month] += a
    return [
        {
            "key": m.isoformat()[:7],
            "label": m.isoformat()[:7],
            "units": units[m],
            "online_units": online[m],
            "amount": cents_to_amount(cents[m]),
        }
        for m in period.months
    ]


def partner_online_share(*, partner: PartnerCompany, period: Period) -> int | None:
    """Percentage of the partner's units sold online over the period (None without sales)."""
    trend = partner_trend(partner=partner, period=period)
    total = sum(r["units"] for r in trend)
    if total <= 0:
        return None
    return round(100 * sum(r["online_units"] for r in trend) / total)


def partner_best_sellers(*, partner: PartnerCompany, period: Period, limit: int = 10) -> list[dict[str, Any]]:
    """The partner's own products by units sold over the period."""
    rows = (
        ProductRollup.objects.filter(
            brand_id=partner.brand_id, partner=partner, month__gte=period.start, month__lt=period.stop
        )
        .values("product_id")
        .annotate(u=Sum("units"), a=Sum("amount_cents"))
        .filter(u__gt=0)
        .order_by("-u", "product_id")[:limit]
    )
    products = Product.objects.in_bulk([r["product_id"] for r in rows])
    return [
        {"product": products[r["product_id"]], "units": int(r["u"]), "amount": cents_to_amount(r["a"])}
        for r in rows
    ]

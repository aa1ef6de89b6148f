"""What the brand's home page shows: the sell-out of this month against the last, and what needs doing.

A fixed number of queries whatever the size of the network: the sell-out comes from the cube's network
totals, each to-do is one aggregate (flagged lines, partners without a declaration for the period due,
reward orders waiting for approval).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from relais.core.models import Brand
from relais.incentives.models import RedemptionOrder
from relais.insights.models import CubeDimension, SelloutCube, SelloutRollup
from relais.insights.periods import month_next, month_start
from relais.insights.selectors.common import in_scope
from relais.network.models import PartnerCompany
from relais.sellout.models import Declaration, DeclarationLine

HOME_MONTHS = 6  # months in the home page's small chart


def _month_back(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 - n
    return dt.date(index // 12, index % 12 + 1, 1)


def due_month(today: dt.date) -> dt.date:
    """The month partners must have declared by now: the last complete one."""
    return _month_back(month_start(today), 1)


def _undeclared(brand: Brand, month: dt.date) -> QuerySet[PartnerCompany]:
    declared = Declaration.objects.filter(
        brand=brand,
        partner=OuterRef("pk"),
        submitted_at__isnull=False,
        period_start__lt=month_next(month),
        period_end__gte=month,
    ).exclude(status=Declaration.Status.DRAFT)
    return PartnerCompany.objects.filter(brand=brand, is_active=True).exclude(Exists(declared))


def partners_undeclared(*, brand: Brand, month: dt.date, scope: Q | None = None) -> QuerySet[PartnerCompany]:
    """Active partners of the brand (those of a channel manager's ``scope`` when given) with no submitted
    declaration covering ``month``, by name."""
    partners = _undeclared(brand, month_start(month))
    return (partners.filter(scope) if scope is not None else partners).order_by("name", "pk")


@dataclass(frozen=True)
class HomeSellout:
    this_month: dt.date
    this_amount_cents: int
    last_amount_cents: int
    months: list[dict[str, Any]]

    @property
    def this_amount(self) -> Decimal:
        return Decimal(self.this_amount_cents) / 100

    @property
    def last_amount(self) -> Decimal:
        return Decimal(self.last_amount_cents) / 100

    @property
    def change(self) -> float | None:
        """This month so far against the whole of last month, as a ratio (0.15 = +15 %); ``None`` without
        last month."""
        if not self.last_amount_cents:
            return None
        return (self.this_amount_cents - self.last_amount_cents) / self.last_amount_cents


def brand_home_sellout(*, brand: Brand, today: dt.date | None = None, scope: Q | None = None) -> HomeSellout:
    """The network's sell-out amount (brand currency) of the last ``HOME_MONTHS`` months, from the cube; for a
    channel manager's ``scope``, its partners' from the rollups (the cube mixes every partner)."""
    this_month = month_start(today or timezone.localdate())
    first = _month_back(this_month, HOME_MONTHS - 1)
    if scope is None:
        amounts = dict(
            SelloutCube.objects.filter(
                brand=brand,
                segment__isnull=True,
                dimension=CubeDimension.TOTAL,
                month__gte=first,
                month__lte=this_month,
            ).values_list("month", "amount_cents")
        )
    else:
        amounts = {
            month: int(cents or 0)
            for month, cents in in_scope(
                SelloutRollup.objects.filter(
                    brand=brand, currency=brand.currency, month__gte=first, month__lte=this_month
                ),
                brand=brand,
                scope=scope,
            )
            .values("month")
            .annotate(cents=Sum("amount_cents"))
            .values_list("month", "cents")
        }
    months = [_month_back(this_month, n) for n in range(HOME_MONTHS - 1, -1, -1)]
    return HomeSellout(
        this_month=this_month,
        this_amount_cents=int(amounts.get(this_month, 0)),
        last_amount_cents=int(amounts.get(_month_back(this_month, 1), 0)),
        months=[{"month": m, "amount_cents": int(amounts.get(m, 0))} for m in months],
    )


def brand_home_todo(*, brand: Brand, today: dt.date | None = None, scope: Q | None = None) -> dict[str, Any]:
    """Counts of what waits for the brand (of a channel manager's ``scope``'s partners when given): lines to
    review, partners that have not declared the month due, reward orders to approve (three queries)."""
    month = due_month(today or timezone.localdate())
    undeclared = _undeclared(brand, month)
    return {
        "lines_to_review": in_scope(
            DeclarationLine.objects.filter(brand=brand, status=DeclarationLine.Status.FLAGGED),
            brand=brand,
            scope=scope,
        ).count(),
        "due_month": month,
        "partners_undeclared": (undeclared.filter(scope) if scope is not None else undeclared).count(),
        "orders_to_approve": in_scope(
            RedemptionOrder.objects.filter(brand=brand, status=RedemptionOrder.Status.REQUESTED),
            brand=brand,
            scope=scope,
        ).count(),
    }

"""What the insights selectors share: the period of a filter bar, the segment filter, the anonymity floor.

Every figure is read from the rollup tables (``relais.insights.models``), by whole months.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from relais.core.models import Brand
from relais.insights.models import SelloutCube
from relais.insights.periods import Period, month_start
from relais.network import selectors as network_selectors
from relais.network.models import PartnerCompany, Segment, SegmentMembership

# A benchmark, a regional ranking or feedback themes are shown to a partner only when built from at least
# this many OTHER partners.
K_MIN_OTHERS = 5
# A declaration is on time when submitted at most this many days after the end of its period.
DECLARATION_GRACE_DAYS: int = getattr(settings, "RELAIS_DECLARATION_GRACE_DAYS", 10)


def cents_to_amount(value: int | None) -> Decimal:
    """An amount in cents (as the rollups hold it) as a two-decimal amount."""
    return (Decimal(value or 0) / 100).quantize(Decimal("0.01"))


def _parse_month(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return month_start(value)
    try:
        return month_start(dt.date.fromisoformat(f"{str(value).strip()[:7]}-01"))
    except (TypeError, ValueError):
        return None


def latest_month(*, brand: Brand) -> dt.date:
    """The latest month with figures, or the current month."""
    last = SelloutCube.objects.filter(brand=brand).order_by("-month").values_list("month", flat=True).first()
    return last or month_start(timezone.localdate())


def period_clean(*, brand: Brand, start: Any = None, end: Any = None, default_months: int = 12) -> Period:
    """The period of a filter bar (``YYYY-MM`` values); by default the last 12 months with figures."""
    end_month = _parse_month(end) if end else None
    end_month = end_month or latest_month(brand=brand)
    start_month = _parse_month(start) if start else None
    if start_month is None:
        start_month = end_month
        for _i in range(default_months - 1):
            start_month = month_start(start_month - dt.timedelta(days=1))
    if start_month > end_month:
        start_month, end_month = end_month, start_month
    return Period(start=start_month, end=end_month)


def segment_find(*, brand: Brand, segment_id: Any) -> Segment | None:
    """The brand's segment of a filter bar's ``segment`` value, or None (no value, not a number, not found)."""
    try:
        pk = int(segment_id)
    except (TypeError, ValueError):
        return None
    return network_selectors.segment_find(brand=brand, segment_id=pk)


def segment_current_members(segment: Segment) -> QuerySet[SegmentMembership]:
    """The segment's memberships open today (the figures of a segment use its current members)."""
    return SegmentMembership.objects.filter(segment=segment, valid_to__isnull=True)


def partner_current_segments(*, brand_id: int, partner_id: int) -> QuerySet[Segment]:
    """The segments the partner is in today, by name."""
    return Segment.objects.filter(
        brand_id=brand_id, memberships__partner_id=partner_id, memberships__valid_to__isnull=True
    ).order_by("name")


def scope_partners(*, brand: Brand, scope: Q | None) -> QuerySet | None:
    """The brand's partners within a brand user's scope (``relais.accounts.access.access_brand_partner_scope``,
    a filter over ``PartnerCompany``) as a subquery of ids; None when the user sees the whole brand."""
    if scope is None:
        return None
    return PartnerCompany.objects.filter(scope, brand=brand).values("pk")


def in_scope(queryset: QuerySet, *, brand: Brand, scope: Q | None, field: str = "partner_id") -> QuerySet:
    """``queryset`` narrowed to the rows of partners in ``scope`` (by ``field``); unchanged when None."""
    partners = scope_partners(brand=brand, scope=scope)
    return queryset if partners is None else queryset.filter(**{f"{field}__in": partners})

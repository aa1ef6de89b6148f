"""Reads on sell-out, always scoped by brand (and by partner for partner users)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from relais.core.models import Brand
from relais.sellout.models import Declaration, DeclarationLine

# The window of a partner's activity (its activity tier ranks this amount, see relais.network.tiers).
ACTIVITY_WINDOW_DAYS = 365


def partner_activity_amounts(*, brand: Brand, today: date | None = None) -> dict[int, Decimal]:
    """Accepted sell-out amount of each partner of the brand over the last 12 months (to ``today``)."""
    today = today or timezone.localdate()
    rows = (
        DeclarationLine.objects.filter(
            brand=brand,
            status=DeclarationLine.Status.ACCEPTED,
            sale_date__gt=today - timedelta(days=ACTIVITY_WINDOW_DAYS),
            sale_date__lte=today,
        )
        .exclude(declaration__status=Declaration.Status.DRAFT)
        .values("partner_id")
        .annotate(total=Sum("amount"))
    )
    return {row["partner_id"]: row["total"] or Decimal(0) for row in rows}


def partner_activity_amount_expression(*, today: date) -> Coalesce:
    """Per partner (OuterRef "pk"): the same sum as ``partner_activity_amounts``, as a subquery."""
    total = (
        DeclarationLine.objects.filter(
            partner_id=OuterRef("pk"),
            status=DeclarationLine.Status.ACCEPTED,
            sale_date__gt=today - timedelta(days=ACTIVITY_WINDOW_DAYS),
            sale_date__lte=today,
        )
        .exclude(declaration__status=Declaration.Status.DRAFT)
        .values("partner_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(
        Subquery(total), Value(Decimal(0)), output_field=DecimalField(max_digits=16, decimal_places=2)
    )

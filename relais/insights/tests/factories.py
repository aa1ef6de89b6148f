"""Sell-out for insights tests: declarations with lines written in bulk, as the ingest services write them."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from relais.catalog.models import Product
from relais.catalog.tests.factories import ProductFactory
from relais.core.models import Brand
from relais.network.models import PartnerCompany
from relais.sellout.models import Declaration, DeclarationLine

_keys = itertools.count(1)


def declaration_with_lines(
    *,
    partner: PartnerCompany,
    lines: list[dict[str, Any]],
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    submitted_at: dt.datetime | None = None,
    status: str = Declaration.Status.SUBMITTED,
) -> Declaration:
    """A submitted declaration of ``partner`` with ``lines`` (dicts: product, quantity, amount, sale_date,
    and optional channel, status, feedback, currency)."""
    dates = [line["sale_date"] for line in lines] or [dt.date(2026, 1, 15)]
    start = period_start or min(dates).replace(day=1)
    end = period_end or max(dates)
    declaration = Declaration.objects.create(
        brand=partner.brand,
        partner=partner,
        period_start=start,
        period_end=end,
        source="form",
        status=status,
        submitted_at=submitted_at or timezone.now(),
    )
    DeclarationLine.objects.bulk_create(
        [
            DeclarationLine(
                brand=partner.brand,
                partner=partner,
                declaration=declaration,
                product=line["product"],
                gtin=line["product"].gtin,
                quantity=line["quantity"],
                amount=Decimal(str(line["amount"])),
                currency=line.get("currency", partner.brand.currency),
                sale_date=line["sale_date"],
                channel=line.get("channel", "in_store"),
                status=line.get("status", DeclarationLine.Status.ACCEPTED),
                feedback=line.get("feedback", ""),
                dedup_key=f"insights-test-{next(_keys)}",
            )
            for line in lines
        ]
    )
    return declaration


def product(brand: Brand, family: str = "Drills", **kwargs: Any) -> Product:
    return ProductFactory(brand=brand, family=family, **kwargs)

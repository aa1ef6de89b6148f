"""Reconciliation of sell-in, sell-out and channel stock, per partner × product × period.

    gap = opening stock + sell-in − sell-out − closing stock

- sell-in: the brand's shipments to the partner dated in the period (``stock.SellInLine``);
- sell-out: the partner's declared lines sold in the period, except lines the brand rejected and lines of
  drafts (a flagged line is a sale under review: the goods left the shelf);
- opening stock: the partner's last stock report dated before the period (within ``OPENING_LOOKBACK_DAYS``),
  summed over its locations; closing stock: its last stock report dated in the period. A missing stock is
  ``None`` and so is the gap: nothing is inferred.

A gap is flagged when its size is over the tolerance: ``max(tolerance_units, tolerance_share × (opening +
sell-in))``. Computed with four grouped queries (sell-in, sell-out, opening and closing stock) joined in
polars, so one month of a large network costs a few aggregate scans, not one query per partner.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
from django.db.models import Q, QuerySet, Sum

from relais.core.models import Brand
from relais.network.models import PartnerCompany
from relais.sellout.models import Declaration, DeclarationLine
from relais.stock.models import SellInLine, StockSnapshot

OPENING_LOOKBACK_DAYS = 92
DEFAULT_TOLERANCE_UNITS = 2
DEFAULT_TOLERANCE_SHARE = Decimal("0.05")
KEYS = ["partner_id", "gtin"]


@dataclass(frozen=True)
class ReconciliationRow:
    partner_id: int
    partner: str  # the partner's code
    gtin: str
    opening_stock: int | None
    sell_in: int
    sell_out: int
    closing_stock: int | None
    gap: int | None
    flagged: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "partner": self.partner,
            "gtin": self.gtin,
            "opening_stock": self.opening_stock,
            "sell_in": self.sell_in,
            "sell_out": self.sell_out,
            "closing_stock": self.closing_stock,
            "gap": self.gap,
            "flagged": self.flagged,
        }


def month_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of a ``YYYY-MM`` month; ValueError when it is not one."""
    year, month = (int(part) for part in period.split("-"))
    start = dt.date(year, month, 1)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return start, following - dt.timedelta(days=1)


def _flows(queryset: QuerySet, name: str) -> pl.DataFrame:
    rows = list(queryset.values_list("partner_id", "gtin").annotate(total=Sum("quantity")).order_by())
    return pl.DataFrame(rows, schema={"partner_id": pl.Int64, "gtin": pl.Utf8, name: pl.Int64}, orient="row")


def _last_stock(queryset: QuerySet, name: str) -> pl.DataFrame:
    """Per partner and product: the total over locations of the latest stock date in ``queryset``."""
    rows = list(
        queryset.values_list("partner_id", "gtin", "stock_date").annotate(total=Sum("quantity")).order_by()
    )
    frame = pl.DataFrame(
        rows,
        schema={"partner_id": pl.Int64, "gtin": pl.Utf8, "stock_date": pl.Date, name: pl.Int64},
        orient="row",
    )
    return frame.sort("stock_date").group_by(KEYS).agg(pl.col(name).last())


def reconciliation_frame(
    *,
    brand: Brand,
    period_start: dt.date,
    period_end: dt.date,
    partner: PartnerCompany | None = None,
    tolerance_units: int = DEFAULT_TOLERANCE_UNITS,
    tolerance_share: Decimal = DEFAULT_TOLERANCE_SHARE,
    scope: Q | None = None,
) -> pl.DataFrame:
    """The reconciliation of the brand (one partner when given; the partners of a channel manager's ``scope``,
    a filter over ``PartnerCompany``, when given) as a frame, sorted by partner and GTIN."""
    where = Q(brand=brand) & (Q(partner=partner) if partner is not None else Q())
    if scope is not None:
        where &= Q(partner_id__in=PartnerCompany.objects.filter(scope, brand=brand).values("pk"))
    sell_in = _flows(
        SellInLine.objects.filter(where, ship_date__gte=period_start, ship_date__lte=period_end), "sell_in"
    )
    sell_out = _flows(
        DeclarationLine.objects.filter(where, sale_date__gte=period_start, sale_date__lte=period_end)
        .exclude(status=DeclarationLine.Status.REJECTED)
        .exclude(declaration__status=Declaration.Status.DRAFT),
        "sell_out",
    )
    opening = _last_stock(
        StockSnapshot.objects.filter(
            where,
            stock_date__lt=period_start,
            stock_date__gte=period_start - dt.timedelta(days=OPENING_LOOKBACK_DAYS),
        ),
        "opening_stock",
    )
    closing = _last_stock(
        StockSnapshot.objects.filter(where, stock_date__gte=period_start, stock_date__lte=period_end),
        "closing_stock",
    )
    frame = sell_in
    for other in (sell_out, opening, closing):
        frame = frame.join(other, on=KEYS, how="full", coalesce=True)
    frame = frame.with_columns(pl.col("sell_in").fill_null(0), pl.col("sell_out").fill_null(0))
    gap = pl.col("opening_stock") + pl.col("sell_in") - pl.col("sell_out") - pl.col("closing_stock")
    allowed = pl.max_horizontal(
        pl.lit(float(tolerance_units)),
        (pl.col("opening_stock").fill_null(0) + pl.col("sell_in")) * float(tolerance_share),
    )
    frame = frame.with_columns(gap.alias("gap"))
    frame = frame.with_columns((pl.col("gap").abs() > allowed).fill_null(False).alias("flagged"))
    return frame.sort(KEYS)


def reconciliation_rows(
    *,
    brand: Brand,
    period_start: dt.date,
    period_end: dt.date,
    partner: PartnerCompany | None = None,
    tolerance_units: int = DEFAULT_TOLERANCE_UNITS,
    tolerance_share: Decimal = DEFAULT_TOLERANCE_SHARE,
    scope: Q | None = None,
) -> list[ReconciliationRow]:
    """One row per partner × product with sell-in, sell-out or stock in (or just before) the period.

    Brand-scoped (and partner-scoped when ``partner`` is given, narrowed to a channel manager's partners by
    ``scope``); rows sorted by partner code, then GTIN.
    """
    frame = reconciliation_frame(
        brand=brand,
        period_start=period_start,
        period_end=period_end,
        partner=partner,
        tolerance_units=tolerance_units,
        tolerance_share=tolerance_share,
        scope=scope,
    )
    codes = dict(PartnerCompany.objects.filter(brand=brand).values_list("id", "code"))
    rows = [
        ReconciliationRow(partner=codes.get(values["partner_id"], ""), **values)
        for values in frame.iter_rows(named=True)
    ]
    rows.sort(key=lambda row: (row.partner, row.gtin))
    return rows

"""Reads of account objectives: the list, their progress from validated sell-out (one frame, polars), and the
sell-out totals the proposal starts from. Every read is brand-scoped, and partner-scoped where a partner reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import polars as pl
from django.db.models import Q, QuerySet, Sum

from relais.catalog.models import Product
from relais.core.models import Brand
from relais.network.models import PartnerCompany
from relais.programs import rules
from relais.programs.models import AccountObjective, ObjectiveMetric, Program
from relais.programs.selectors import REVIEWED, program_lines
from relais.sellout.models import DeclarationLine


def account_objective_list(
    *,
    brand: Brand,
    partner: PartnerCompany | None = None,
    q: str = "",
    metric: str = "",
    period: tuple[dt.date, dt.date] | None = None,
) -> QuerySet[AccountObjective]:
    """The brand's account objectives (of ``partner`` when given), latest period first, then by partner."""
    qs = AccountObjective.objects.filter(brand=brand).select_related("partner", "product")
    if partner is not None:
        qs = qs.filter(partner=partner)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(partner__name__icontains=q) | Q(partner__code__icontains=q))
    if metric in ObjectiveMetric.values:
        qs = qs.filter(metric=metric)
    if period is not None:
        qs = qs.filter(period_start=period[0], period_end=period[1])
    return qs.order_by("-period_start", "partner__name", "metric", "scope", "pk")


def objectives_frame(objectives: Sequence[AccountObjective]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            (
                o.pk,
                o.partner_id,
                o.period_start,
                o.period_end,
                o.metric,
                o.family,
                o.product_id,
                float(o.target),
            )
            for o in objectives
        ],
        schema=rules.OBJECTIVE_SCHEMA,
        orient="row",
    )


def account_objective_progress(
    *, brand: Brand, objectives: Sequence[AccountObjective]
) -> dict[int, dict[str, Any]]:
    """Per objective id: ``value`` and ``attainment`` (percent) from validated sell-out, read once for all
    the objectives' partners and periods and computed in one polars pass."""
    objectives = list(objectives)
    if not objectives:
        return {}
    frame = objectives_frame(objectives)
    partner_ids = sorted({o.partner_id for o in objectives})
    start = min(o.period_start for o in objectives)
    end = max(o.period_end for o in objectives)
    program = Program(brand=brand, period_start=start, period_end=end)
    lines = program_lines(program=program, partner_ids=partner_ids, start=start, end=end)
    product_ids = lines["product_id"].unique().to_list()
    families = pl.DataFrame(
        list(Product.objects.filter(brand=brand, pk__in=product_ids).values_list("pk", "family")),
        schema={"product_id": pl.Int64, "family": pl.String},
        orient="row",
    )
    values = rules.objective_values(lines, families, frame)
    return {
        r["objective_id"]: {"value": r["value"], "attainment": r["attainment"]}
        for r in values.iter_rows(named=True)
    }


def sellout_totals(
    *, brand: Brand, partner_ids: list[int] | None, start: dt.date, end: dt.date, metric: str
) -> dict[int, Decimal]:
    """Validated sell-out per partner over ``start``..``end`` (units or amount), one GROUP BY."""
    lines = DeclarationLine.objects.filter(
        brand=brand,
        status=DeclarationLine.Status.ACCEPTED,
        declaration__status__in=REVIEWED,
        sale_date__range=(start, end),
    )
    if partner_ids is not None:
        lines = lines.filter(partner_id__in=partner_ids)
    field = "quantity" if metric == ObjectiveMetric.UNITS else "amount"
    rows = lines.values("partner_id").annotate(total=Sum(field))
    return {row["partner_id"]: Decimal(row["total"] or 0) for row in rows}

"""What the incentive programme gave on the dashboard: objective attainment and the points cost of challenges.

Account objectives are ``relais.programs``' (one source of truth, which challenges read too), challenges
``relais.incentives``'; achievement is read from the insights rollups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from relais.core.models import Brand
from relais.incentives.models import Challenge, PointsEntry
from relais.insights.models import SelloutRollup
from relais.insights.periods import Period, month_start, months_covering
from relais.insights.selectors.common import cents_to_amount, in_scope, segment_current_members
from relais.network.models import Segment
from relais.programs.models import AccountObjective, ObjectiveMetric


def _monthly_achievement(
    *, brand: Brand, objectives: Sequence[AccountObjective]
) -> dict[tuple[int, dt.date], tuple[int, int]]:
    """(units, amount in the brand's currency in cents) by (partner, month) over the objectives' months."""
    first = min(month_start(o.period_start) for o in objectives)
    last = max(o.period_end for o in objectives)
    rows = (
        SelloutRollup.objects.filter(
            brand=brand,
            partner_id__in={o.partner_id for o in objectives},
            month__gte=first,
            month__lte=last,
        )
        .values("partner_id", "month")
        .annotate(u=Sum("units"), a=Sum("amount_cents", filter=Q(currency=brand.currency)))
        .values_list("partner_id", "month", "u", "a")
    )
    return {
        (partner_id, month): (int(units or 0), int(cents or 0)) for partner_id, month, units, cents in rows
    }


def objective_attainment(
    *, brand: Brand, period: Period, segment: Segment | None = None, scope: Q | None = None
) -> list[dict[str, Any]]:
    """Whole-account units and amount objectives (``relais.programs``) overlapping the period, per metric: how
    many were set, how many reached, and the attainment (sum achieved / sum of targets). Achievement is read
    from the rollups, so it counts accepted and flagged lines, by whole months of the objective's period.
    Objectives on one family or product, and product-mix ones, are the programs' dashboards' to show."""
    objectives = AccountObjective.objects.filter(
        brand=brand,
        period_start__lt=period.stop,
        period_end__gte=period.start,
        scope="",
        metric__in=[ObjectiveMetric.UNITS, ObjectiveMetric.AMOUNT],
    )
    if segment is not None:
        objectives = objectives.filter(partner_id__in=segment_current_members(segment).values("partner_id"))
    objectives = in_scope(objectives, brand=brand, scope=scope)
    objectives_list = list(objectives.only("partner_id", "period_start", "period_end", "metric", "target"))
    if not objectives_list:
        return []
    achieved = _monthly_achievement(brand=brand, objectives=objectives_list)
    summary: dict[str, dict[str, Any]] = {}
    for objective in objectives_list:
        units = cents = 0
        for month in months_covering(objective.period_start, objective.period_end):
            u, a = achieved.get((objective.partner_id, month), (0, 0))
            units, cents = units + u, cents + a
        done = Decimal(units) if objective.metric == ObjectiveMetric.UNITS else cents_to_amount(cents)
        row = summary.setdefault(
            objective.metric,
            {
                "metric": objective.metric,
                "label": str(ObjectiveMetric(objective.metric).label),
                "count": 0,
                "reached": 0,
                "target": Decimal(0),
                "achieved": Decimal(0),
            },
        )
        row["count"] += 1
        row["reached"] += int(done >= objective.target)
        row["target"] += Decimal(objective.target)
        row["achieved"] += done
    for row in summary.values():
        row["percent"] = round(100 * row["achieved"] / row["target"]) if row["target"] else 0
    return [summary[m] for m in sorted(summary)]


def challenge_points_cost(
    *, brand: Brand, period: Period, segment: Segment | None = None, scope: Q | None = None
) -> list[dict[str, Any]]:
    """Points posted (net of reversals) by each challenge overlapping the period, against its budget; with a
    segment, only the points earned by the segment's current members; with a channel manager's ``scope``,
    only those earned by its partners."""
    challenges = list(
        Challenge.objects.filter(brand=brand, period_start__lt=period.stop, period_end__gte=period.start)
        .exclude(status=Challenge.Status.DRAFT)
        .order_by("-period_start", "name")
    )
    posted = {c.pk: c.points_posted for c in challenges}
    if segment is not None or scope is not None:
        posted = {c.pk: 0 for c in challenges}
        entries = PointsEntry.objects.filter(
            brand=brand,
            challenge_id__in=list(posted),
            kind__in=[PointsEntry.Kind.EARN, PointsEntry.Kind.REVERSE],
        )
        if segment is not None:
            entries = entries.filter(partner_id__in=segment_current_members(segment).values("partner_id"))
        for challenge_id, total in (
            in_scope(entries, brand=brand, scope=scope)
            .values("challenge_id")
            .annotate(total=Sum("amount"))
            .values_list("challenge_id", "total")
        ):
            posted[challenge_id] = int(total or 0)
    return [
        {
            "challenge": c,
            "points": posted[c.pk],
            "budget": c.budget_points,
            "budget_percent": round(100 * posted[c.pk] / c.budget_points) if c.budget_points else None,
        }
        for c in challenges
    ]

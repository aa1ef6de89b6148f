"""Reads of the insights domain. Everything the brand dashboard shows comes from the rollup tables; partner
pages read only their own rollup rows plus anonymised aggregates over at least ``K_MIN_OTHERS`` other
partners (k-anonymity: never a minimum, a maximum or anything built from fewer partners).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from babel import Locale
from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from relais.catalog.models import Product
from relais.core.models import Brand
from relais.insights.feedback import THEMES, feedback_themes, theme_label
from relais.insights.models import (
    CubeDimension,
    FeedbackThemeRollup,
    ProductRollup,
    SelloutCube,
    SelloutRollup,
)
from relais.insights.services import month_next, month_start
from relais.network.models import PartnerCompany, PartnerKind, Segment, SegmentMembership
from relais.sellout.models import Declaration, DeclarationLine, SaleChannel

# A benchmark, a regional ranking or feedback themes are shown to a partner only when built from at least
# this many OTHER partners.
K_MIN_OTHERS = 5
# A declaration is on time when submitted at most this many days after the end of its period.
DECLARATION_GRACE_DAYS: int = getattr(settings, "RELAIS_DECLARATION_GRACE_DAYS", 10)
BREAKDOWNS: tuple[str, ...] = ("month", "family", "channel", "country", "region", "kind", "segment")


@dataclass(frozen=True)
class Period:
    """Whole months, ``start`` and ``end`` both first days of months, ``end`` included."""

    start: dt.date
    end: dt.date

    @property
    def stop(self) -> dt.date:
        return month_next(self.end)

    @property
    def months(self) -> list[dt.date]:
        out, month = [], self.start
        while month <= self.end:
            out.append(month)
            month = month_next(month)
        return out


def _cents(value: int | None) -> Decimal:
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


def segment_for_brand(*, brand: Brand, segment_id: Any) -> Segment | None:
    try:
        pk = int(segment_id)
    except (TypeError, ValueError):
        return None
    return Segment.objects.filter(brand=brand, pk=pk).first()


# --- labels -----------------------------------------------------------------------------------------


def _country_name(code: str) -> str:
    try:
        locale = Locale.parse((get_language() or "en").replace("-", "_"))
        return str(locale.territories.get(code.upper(), code))
    except (ValueError, TypeError):
        return code


def _labeller(*, brand: Brand, dimension: str):
    if dimension == "channel":
        labels = dict(SaleChannel.choices)
        return lambda key: str(labels.get(key, key))
    if dimension == "kind":
        kinds = dict(PartnerKind.choices)
        return lambda key: str(kinds.get(key, key))
    if dimension == "country":
        return _country_name
    if dimension == "region":

        def region(key: str) -> str:
            country, _sep, name = key.partition("|")
            if not name:
                name = _("(no region)")
            return f"{name} ({country})"

        return region
    if dimension == "segment":
        names = dict(Segment.objects.filter(brand=brand).values_list("pk", "name"))
        return lambda key: names.get(int(key), key) if key.isdigit() else key
    if dimension == "family":
        return lambda key: key or _("(no family)")
    return lambda key: key


# --- brand dashboard --------------------------------------------------------------------------------


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _breakdowns(
    *, brand: Brand, period: Period, segment: Segment | None, dimensions: list[str]
) -> dict[str, list[dict[str, Any]]]:
    """Several breakdowns (and the months) read from the cube with one aggregate statement.

    The dashboard's hot path: plain SQL, one round trip, a few hundred cube rows whatever the line count.
    """
    plain = [d for d in dimensions if d not in {"month", "segment"}]
    cube_dims = plain + ([CubeDimension.TOTAL.value] if "month" in dimensions else [])
    clauses: list[str] = []
    params: list[Any] = []
    if cube_dims:
        marks = ", ".join(["%s"] * len(cube_dims))
        clauses.append(
            f"(dimension IN ({marks}) AND "
            + ("segment_id = %s)" if segment is not None else "segment_id IS NULL)")
        )
        params += cube_dims + ([segment.pk] if segment is not None else [])
    if "segment" in dimensions:
        clauses.append(
            "(dimension = %s AND segment_id IS NULL" + (" AND key = %s)" if segment is not None else ")")
        )
        params += [CubeDimension.SEGMENT.value] + ([str(segment.pk)] if segment is not None else [])
    grouped: dict[str, list[dict[str, Any]]] = {d: [] for d in dimensions if d != "month"}
    by_month: dict[dt.date, tuple[int, int, int]] = {}
    if clauses:
        sql = (
            "SELECT dimension, key, CASE WHEN dimension = %s THEN month END AS m, "  # noqa: S608 (quoted table)
            f"SUM(units), SUM(amount_cents), SUM(lines) FROM {_table(SelloutCube)} "
            f"WHERE brand_id = %s AND month >= %s AND month < %s AND ({' OR '.join(clauses)}) "
            "GROUP BY dimension, key, CASE WHEN dimension = %s THEN month END"
        )
        total = CubeDimension.TOTAL.value
        with connection.cursor() as cursor:
            cursor.execute(sql, [total, brand.pk, period.start, period.stop, *params, total])
            rows = cursor.fetchall()
        for dimension, key, month, units, cents, lines in rows:
            if dimension == total:
                by_month[_as_date(month)] = (int(units or 0), int(cents or 0), int(lines or 0))
                continue
            grouped[dimension].append(
                {"key": key, "units": int(units or 0), "amount": _cents(cents), "lines": int(lines or 0)}
            )
    out: dict[str, list[dict[str, Any]]] = {}
    if "month" in dimensions:
        out["month"] = [
            {
                "key": month.isoformat()[:7],
                "label": month.isoformat()[:7],
                "units": by_month.get(month, (0, 0, 0))[0],
                "amount": _cents(by_month.get(month, (0, 0, 0))[1]),
                "lines": by_month.get(month, (0, 0, 0))[2],
            }
            for month in period.months
        ]
    for dimension, entries in grouped.items():
        label = _labeller(brand=brand, dimension=dimension)
        for entry in entries:
            entry["label"] = label(entry["key"])
        entries.sort(key=lambda r: (-r["units"], str(r["label"])))
        out[dimension] = entries
    return out


def dashboard_breakdown(
    *, brand: Brand, dimension: str, period: Period, segment: Segment | None = None
) -> list[dict[str, Any]]:
    """Sell-out units and amount (brand currency) of ``brand`` by ``dimension`` over ``period``.

    ``dimension`` is one of ``BREAKDOWNS``. Read from the cube only. Rows sorted by month (``month``) or by
    descending units.
    """
    if dimension not in BREAKDOWNS:
        raise ValueError(dimension)
    return _breakdowns(brand=brand, period=period, segment=segment, dimensions=[dimension])[dimension]


def dashboard_totals(*, brand: Brand, period: Period, segment: Segment | None = None) -> dict[str, Any]:
    cube = SelloutCube.objects.filter(
        brand=brand, dimension=CubeDimension.TOTAL, month__gte=period.start, month__lt=period.stop
    )
    cube = cube.filter(segment=segment) if segment else cube.filter(segment__isnull=True)
    sums = cube.aggregate(u=Sum("units"), a=Sum("amount_cents"), n=Sum("lines"))
    return {"units": int(sums["u"] or 0), "amount": _cents(sums["a"]), "lines": int(sums["n"] or 0)}


def _segment_members(segment: Segment) -> QuerySet[SegmentMembership]:
    return SegmentMembership.objects.filter(segment=segment, valid_to__isnull=True)


def network_coverage(
    *, brand: Brand, period: Period, segment: Segment | None = None, grace_days: int | None = None
) -> dict[str, Any]:
    """Share of active partners that declared over the period, and that declared on time.

    A partner declared when one of its submitted (or reviewed) declarations overlaps the period; on time when
    such a declaration was submitted at most ``grace_days`` after its own period end.
    """
    grace = DECLARATION_GRACE_DAYS if grace_days is None else grace_days
    partner_t, declaration_t = _table(PartnerCompany), _table(Declaration)
    members = ""
    member_params: list[Any] = []
    if segment is not None:
        members = f" AND p.id IN (SELECT partner_id FROM {_table(SegmentMembership)} WHERE segment_id = %s AND valid_to IS NULL)"  # noqa: S608
        member_params = [segment.pk]
    declared_where = (
        f"FROM {declaration_t} d JOIN {partner_t} p ON p.id = d.partner_id "
        "WHERE d.brand_id = %s AND p.is_active AND d.submitted_at IS NOT NULL AND d.status <> %s "
        "AND d.period_start < %s AND d.period_end >= %s" + members
    )
    declared_params = [brand.pk, Declaration.Status.DRAFT, period.stop, period.start, *member_params]
    with connection.cursor() as cursor:
        # On time is relative to each declaration's own period end; there are few distinct period ends (one
        # per month or week), so the test is one OR of (period_end, deadline) pairs, counted in SQL.
        cursor.execute(f"SELECT DISTINCT d.period_end {declared_where}", declared_params)
        tz = timezone.get_current_timezone()
        on_time_sql, on_time_params = [], []
        for (period_end,) in cursor.fetchall():
            end = _as_date(period_end)
            deadline = dt.datetime.combine(end + dt.timedelta(days=grace + 1), dt.time.min, tzinfo=tz)
            on_time_sql.append("(d.period_end = %s AND d.submitted_at < %s)")
            on_time_params += [end, deadline]
        on_time = " OR ".join(on_time_sql) or "1 = 0"
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {partner_t} p WHERE p.brand_id = %s AND p.is_active{members}), "  # noqa: S608
            f"COUNT(DISTINCT d.partner_id), COUNT(DISTINCT CASE WHEN {on_time} THEN d.partner_id END) "
            f"{declared_where}",
            [brand.pk, *member_params, *on_time_params, *declared_params],
        )
        active, declared, on_time_count = cursor.fetchone()
    active, declared, on_time_count = int(active or 0), int(declared or 0), int(on_time_count or 0)
    return {
        "active": active,
        "declared": declared,
        "on_time": on_time_count,
        "declared_share": round(100 * declared / active) if active else 0,
        "on_time_share": round(100 * on_time_count / active) if active else 0,
        "grace_days": grace,
    }


def dashboard_data(*, brand: Brand, period: Period, segment: Segment | None = None) -> dict[str, Any]:
    """Everything the brand dashboard shows for a period and an optional segment."""
    breakdowns = _breakdowns(brand=brand, period=period, segment=segment, dimensions=list(BREAKDOWNS))
    months = breakdowns["month"]
    return {
        "period": period,
        "segment": segment,
        "currency": brand.currency,
        "totals": {
            "units": sum(r["units"] for r in months),
            "amount": sum((r["amount"] for r in months), start=Decimal("0.00")),
            "lines": sum(r["lines"] for r in months),
        },
        "coverage": network_coverage(brand=brand, period=period, segment=segment),
        "breakdowns": {dimension: breakdowns[dimension] for dimension in BREAKDOWNS},
    }


def top_partners(
    *, brand: Brand, period: Period, segment: Segment | None = None, limit: int = 10
) -> list[dict[str, Any]]:
    """The brand's partners with the most units over the period (for the drill-down links)."""
    rows = SelloutRollup.objects.filter(brand=brand, month__gte=period.start, month__lt=period.stop)
    if segment is not None:
        rows = rows.filter(partner_id__in=_segment_members(segment).values("partner_id"))
    top = list(
        rows.values("partner_id")
        .annotate(u=Sum("units"), a=Sum("amount_cents", filter=Q(currency=brand.currency)))
        .order_by("-u", "partner_id")[:limit]
    )
    partners = PartnerCompany.objects.filter(brand=brand).in_bulk([r["partner_id"] for r in top])
    return [
        {"partner": partners[r["partner_id"]], "units": int(r["u"] or 0), "amount": _cents(r["a"])}
        for r in top
    ]


def objective_attainment(
    *, brand: Brand, period: Period, segment: Segment | None = None
) -> list[dict[str, Any]]:
    """Objectives (``relais.incentives``) overlapping the period, per metric: how many were set, how many
    reached, and the attainment (sum achieved / sum of targets). Achievement is read from the rollups, so it
    counts accepted and flagged lines, by whole months of the objective's period."""
    from relais.incentives.models import Objective

    objectives = Objective.objects.filter(
        brand=brand, period_start__lt=period.stop, period_end__gte=period.start
    )
    if segment is not None:
        objectives = objectives.filter(partner_id__in=_segment_members(segment).values("partner_id"))
    objectives_list = list(objectives.only("partner_id", "period_start", "period_end", "metric", "target"))
    if not objectives_list:
        return []
    first = min(month_start(o.period_start) for o in objectives_list)
    last = max(o.period_end for o in objectives_list)
    achieved: dict[tuple[int, dt.date], list[int]] = defaultdict(lambda: [0, 0])
    for partner_id, month, units, cents in (
        SelloutRollup.objects.filter(
            brand=brand,
            partner_id__in={o.partner_id for o in objectives_list},
            month__gte=first,
            month__lte=last,
        )
        .values("partner_id", "month")
        .annotate(u=Sum("units"), a=Sum("amount_cents", filter=Q(currency=brand.currency)))
        .values_list("partner_id", "month", "u", "a")
    ):
        achieved[(partner_id, month)] = [int(units or 0), int(cents or 0)]
    summary: dict[str, dict[str, Any]] = {}
    for objective in objectives_list:
        units = cents = 0
        month = month_start(objective.period_start)
        while month <= objective.period_end:
            u, a = achieved.get((objective.partner_id, month), (0, 0))
            units, cents = units + u, cents + a
            month = month_next(month)
        done = Decimal(units) if objective.metric == Objective.Metric.UNITS else _cents(cents)
        row = summary.setdefault(
            objective.metric,
            {
                "metric": objective.metric,
                "label": str(Objective.Metric(objective.metric).label),
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
    *, brand: Brand, period: Period, segment: Segment | None = None
) -> list[dict[str, Any]]:
    """Points posted (net of reversals) by each challenge overlapping the period, against its budget; with a
    segment, only the points earned by the segment's current members."""
    from relais.incentives.models import Challenge, PointsEntry

    challenges = list(
        Challenge.objects.filter(brand=brand, period_start__lt=period.stop, period_end__gte=period.start)
        .exclude(status=Challenge.Status.DRAFT)
        .order_by("-period_start", "name")
    )
    posted = {c.pk: c.points_posted for c in challenges}
    if segment is not None:
        posted = {c.pk: 0 for c in challenges}
        for challenge_id, total in (
            PointsEntry.objects.filter(
                brand=brand,
                challenge_id__in=list(posted),
                partner_id__in=_segment_members(segment).values("partner_id"),
                kind__in=[PointsEntry.Kind.EARN, PointsEntry.Kind.REVERSE],
            )
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


def chart_payload(data: dict[str, Any]) -> dict[str, Any]:
    """The dashboard's figures as plain JSON for the charts (amounts as floats, labels as text)."""
    return {
        dimension: {
            "labels": [str(r["label"]) for r in rows],
            "units": [r["units"] for r in rows],
            "amount": [float(r["amount"]) for r in rows],
        }
        for dimension, rows in data["breakdowns"].items()
    }


# --- partner insights -------------------------------------------------------------------------------


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
            "amount": _cents(cents[m]),
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
        {"product": products[r["product_id"]], "units": int(r["u"]), "amount": _cents(r["a"])} for r in rows
    ]


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
    from math import floor, log10

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
    segments = Segment.objects.filter(
        brand_id=partner.brand_id, memberships__partner=partner, memberships__valid_to__isnull=True
    ).order_by("name")
    for segment in segments:
        member_ids = _segment_members(segment).exclude(partner=partner).values("partner_id")
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
                "mine": _cents(mine) if key == "amount" else mine,
                "median": _cents(int(median)) if key == "amount" else int(median),
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
    segments = Segment.objects.filter(
        brand_id=partner.brand_id, memberships__partner=partner, memberships__valid_to__isnull=True
    ).order_by("name")
    for segment in segments:
        rows = FeedbackThemeRollup.objects.filter(
            brand_id=partner.brand_id,
            partner_id__in=_segment_members(segment).exclude(partner=partner).values("partner_id"),
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


# --- customer feedback (brand) ----------------------------------------------------------------------


def feedback_lines(
    *, brand: Brand, period: Period, q: str = "", segment: Segment | None = None
) -> QuerySet[DeclarationLine]:
    """The brand's sell-out lines that carry a customer comment, newest first; ``q`` searches the comment,
    the product name and the partner name."""
    qs = (
        DeclarationLine.objects.filter(brand=brand, sale_date__gte=period.start, sale_date__lt=period.stop)
        .exclude(feedback="")
        .exclude(status=DeclarationLine.Status.REJECTED)
        .exclude(declaration__status=Declaration.Status.DRAFT)
        .select_related("product", "partner")
        .order_by("-sale_date", "-pk")
    )
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(feedback__icontains=q) | Q(product__name__icontains=q) | Q(partner__name__icontains=q)
        )
    if segment is not None:
        qs = qs.filter(partner_id__in=_segment_members(segment).values("partner_id"))
    return qs


def feedback_theme_counts(
    *, brand: Brand, period: Period, segment: Segment | None = None
) -> list[dict[str, Any]]:
    """How many comments fall in each theme (from the feedback rollup), most frequent first."""
    rows = FeedbackThemeRollup.objects.filter(brand=brand, month__gte=period.start, month__lt=period.stop)
    if segment is not None:
        rows = rows.filter(partner_id__in=_segment_members(segment).values("partner_id"))
    counts = {r["theme"]: int(r["n"]) for r in rows.values("theme").annotate(n=Sum("lines"))}
    return [
        {"theme": t, "label": theme_label(t), "count": counts.get(t, 0)}
        for t in sorted(THEMES, key=lambda t: (-counts.get(t, 0), THEMES.index(t)))
    ]


def line_segments(*, brand: Brand, partner_ids: list[int]) -> dict[int, list[str]]:
    """Current segment names of the given partners (for the feedback list)."""
    names: dict[int, list[str]] = defaultdict(list)
    for pid, name in SegmentMembership.objects.filter(
        segment__brand=brand, partner_id__in=partner_ids, valid_to__isnull=True
    ).values_list("partner_id", "segment__name"):
        names[pid].append(name)
    return names


def themes_of(text: str) -> list[str]:
    return [theme_label(t) for t in feedback_themes(text)]


# --- what a challenge changed (brand) ---------------------------------------------------------------------


def _group_figures(*, brand: Brand, partner_ids: set[int], months: list[dt.date]) -> dict[str, int]:
    """Units, amount (brand currency, cents) and partners sharing sell-out, of a group over some months."""
    if not partner_ids or not months:
        return {"units": 0, "amount_cents": 0, "sharing": 0}
    rows = SelloutRollup.objects.filter(
        brand=brand, partner_id__in=partner_ids, month__gte=months[0], month__lte=months[-1]
    )
    sums = rows.aggregate(u=Sum("units"), a=Sum("amount_cents", filter=Q(currency=brand.currency)))
    sharing = rows.filter(lines__gt=0).values("partner_id").distinct().count()
    return {"units": int(sums["u"] or 0), "amount_cents": int(sums["a"] or 0), "sharing": sharing}


def _growth(now: int, before: int) -> Decimal | None:
    return ((Decimal(now) - before) * 100 / before).quantize(Decimal("0.1")) if before else None


def challenge_impact(*, challenge: Any) -> dict[str, Any]:
    """What a challenge changed: the sell-out and the data sharing of its participants over the months of the
    challenge against the same months a year earlier, next to the partners outside it (the control group,
    when the challenge targets segments), and the points it cost per extra 100 of sell-out.

    Read from the rollups; participants are the partners eligible at some point of the challenge period.
    """
    from relais.incentives.models import Challenge
    from relais.incentives.services import period_bounds

    assert isinstance(challenge, Challenge)
    brand = challenge.brand
    months, month = [], month_start(challenge.period_start)
    while month <= challenge.period_end:
        months.append(month)
        month = month_next(month)
    before = [m.replace(year=m.year - 1) for m in months]
    active = set(PartnerCompany.objects.filter(brand=brand, is_active=True).values_list("pk", flat=True))
    if challenge.segments.exists():
        start, end = period_bounds(challenge.period_start, challenge.period_end)
        participants = active & set(
            SegmentMembership.objects.filter(segment__in=challenge.segments.all(), valid_from__lt=end)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=start))
            .values_list("partner_id", flat=True)
        )
    else:
        participants = active
    groups = {"participants": participants, "others": active - participants}
    out: dict[str, Any] = {"months": months, "currency": brand.currency, "groups": {}}
    for name, ids in groups.items():
        during = _group_figures(brand=brand, partner_ids=ids, months=months)
        earlier = _group_figures(brand=brand, partner_ids=ids, months=before)
        out["groups"][name] = {
            "partners": len(ids),
            "amount": _cents(during["amount_cents"]),
            "amount_before": _cents(earlier["amount_cents"]),
            "amount_growth": _growth(during["amount_cents"], earlier["amount_cents"]),
            "units": during["units"],
            "units_before": earlier["units"],
            "sharing": during["sharing"],
            "sharing_before": earlier["sharing"],
            "sharing_percent": round(100 * during["sharing"] / len(ids)) if ids else 0,
            "sharing_percent_before": round(100 * earlier["sharing"] / len(ids)) if ids else 0,
        }
    mine, control = out["groups"]["participants"], out["groups"]["others"]
    out["has_control"] = bool(control["partners"])
    # Extra sell-out: what the participants sold beyond last year's level, grown like the control group's.
    # Without last year's figures there is nothing to measure the change against.
    out["comparable"] = mine["amount_before"] > 0
    control_growth = (control["amount_growth"] or Decimal(0)) if out["has_control"] else Decimal(0)
    expected = mine["amount_before"] * (1 + control_growth / 100)
    extra = (mine["amount"] - expected).quantize(Decimal("0.01")) if out["comparable"] else None
    out["extra_amount"] = extra
    out["lift_points"] = (
        (mine["amount_growth"] - control["amount_growth"]).quantize(Decimal("0.1"))
        if out["has_control"] and mine["amount_growth"] is not None and control["amount_growth"] is not None
        else None
    )
    out["points"] = challenge.points_posted
    out["points_per_100_extra"] = (
        (Decimal(challenge.points_posted) * 100 / extra).quantize(Decimal("0.1"))
        if extra is not None and extra > 0
        else None
    )
    return out

"""The brand dashboard: breakdowns of the sell-out (from the cube), totals, network coverage, top partners."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from babel import Locale
from django.db import connection
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from relais.core.models import Brand
from relais.insights.models import CubeDimension, SelloutCube, SelloutRollup
from relais.insights.periods import Period
from relais.insights.selectors.common import (
    DECLARATION_GRACE_DAYS,
    cents_to_amount,
    in_scope,
    scope_partners,
    segment_current_members,
)
from relais.insights.sql import as_date, quoted_table
from relais.network.models import PartnerCompany, PartnerKind, Segment, SegmentMembership
from relais.sellout.models import Declaration, SaleChannel

BREAKDOWNS: tuple[str, ...] = ("month", "family", "channel", "country", "region", "kind", "segment")


# --- labels -----------------------------------------------------------------------------------------


def _country_name(code: str) -> str:
    try:
        locale = Locale.parse((get_language() or "en").replace("-", "_"))
        return str(locale.territories.get(code.upper(), code))
    except (ValueError, TypeError):
        return code


def _labeller(*, brand: Brand, dimension: str) -> Callable[[str], str]:
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
            f"SUM(units), SUM(amount_cents), SUM(lines) FROM {quoted_table(SelloutCube)} "
            f"WHERE brand_id = %s AND month >= %s AND month < %s AND ({' OR '.join(clauses)}) "
            "GROUP BY dimension, key, CASE WHEN dimension = %s THEN month END"
        )
        total = CubeDimension.TOTAL.value
        with connection.cursor() as cursor:
            cursor.execute(sql, [total, brand.pk, period.start, period.stop, *params, total])
            rows = cursor.fetchall()
        for dimension, key, month, units, cents, lines in rows:
            if dimension == total:
                by_month[as_date(month)] = (int(units or 0), int(cents or 0), int(lines or 0))
                continue
            grouped[dimension].append(
                {
                    "key": key,
                    "units": int(units or 0),
                    "amount": cents_to_amount(cents),
                    "lines": int(lines or 0),
                }
            )
    return _shaped(brand=brand, period=period, dimensions=dimensions, grouped=grouped, by_month=by_month)


def _scoped_breakdowns(
    *, brand: Brand, period: Period, segment: Segment | None, scope: Q, dimensions: list[str]
) -> dict[str, list[dict[str, Any]]]:
    """``_breakdowns`` over the partners of a channel manager's scope only.

    The cube mixes every partner, so these figures are summed from the partner-grain rollups (the cube's own
    source, grouped the same way): two aggregate statements whatever the number of partners, the second one
    (per partner, for the segment breakdown) bounded by the partners in scope.
    """
    rows = in_scope(
        SelloutRollup.objects.filter(brand=brand, month__gte=period.start, month__lt=period.stop),
        brand=brand,
        scope=scope,
    )
    if segment is not None:
        rows = rows.filter(partner_id__in=segment_current_members(segment).values("partner_id"))
    measures = {
        "u": Sum("units"),
        "a": Sum("amount_cents", filter=Q(currency=brand.currency)),
        "n": Sum("lines"),
    }
    keys: dict[str, Callable[[dict[str, Any]], str]] = {
        "family": lambda r: r["family"],
        "channel": lambda r: r["channel"],
        "country": lambda r: r["partner__country"],
        "region": lambda r: f"{r['partner__country']}|{r['partner__region']}",
        "kind": lambda r: r["partner__kind"],
    }
    plain = [d for d in dimensions if d in keys]
    sums: dict[str, dict[str, list[int]]] = {d: {} for d in dimensions if d != "month"}
    by_month: dict[dt.date, tuple[int, int, int]] = {}

    def add(target: dict[Any, Any], key: Any, values: tuple[int, int, int]) -> None:
        before = target.get(key, (0, 0, 0))
        target[key] = tuple(a + b for a, b in zip(before, values, strict=True))

    grouping = ("month", "family", "channel", "partner__country", "partner__region", "partner__kind")
    for row in rows.values(*grouping).annotate(**measures):
        values = (int(row["u"] or 0), int(row["a"] or 0), int(row["n"] or 0))
        add(by_month, as_date(row["month"]), values)
        for dimension in plain:
            add(sums[dimension], keys[dimension](row), values)
    if "segment" in dimensions:
        per_partner = {
            row["partner_id"]: (int(row["u"] or 0), int(row["a"] or 0), int(row["n"] or 0))
            for row in rows.values("partner_id").annotate(**measures)
        }
        memberships = SegmentMembership.objects.filter(
            segment__brand=brand, valid_to__isnull=True, partner_id__in=list(per_partner)
        )
        if segment is not None:
            memberships = memberships.filter(segment=segment)
        for segment_id, partner_id in memberships.values_list("segment_id", "partner_id"):
            add(sums["segment"], str(segment_id), per_partner[partner_id])
    grouped = {
        dimension: [
            {"key": key, "units": u, "amount": cents_to_amount(a), "lines": n}
            for key, (u, a, n) in entries.items()
        ]
        for dimension, entries in sums.items()
    }
    return _shaped(brand=brand, period=period, dimensions=dimensions, grouped=grouped, by_month=by_month)


def _shaped(
    *,
    brand: Brand,
    period: Period,
    dimensions: list[str],
    grouped: dict[str, list[dict[str, Any]]],
    by_month: dict[dt.date, tuple[int, int, int]],
) -> dict[str, list[dict[str, Any]]]:
    """The breakdowns as the dashboard shows them: every month of the period, labelled keys by units."""
    out: dict[str, list[dict[str, Any]]] = {}
    if "month" in dimensions:
        out["month"] = [
            {
                "key": month.isoformat()[:7],
                "label": month.isoformat()[:7],
                "units": by_month.get(month, (0, 0, 0))[0],
                "amount": cents_to_amount(by_month.get(month, (0, 0, 0))[1]),
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
    *,
    brand: Brand,
    dimension: str,
    period: Period,
    segment: Segment | None = None,
    scope: Q | None = None,
) -> list[dict[str, Any]]:
    """Sell-out units and amount (brand currency) of ``brand`` by ``dimension`` over ``period``.

    ``dimension`` is one of ``BREAKDOWNS``. Read from the cube only. Rows sorted by month (``month``) or by
    descending units. With ``scope`` (a channel manager's partners), over those partners only.
    """
    if dimension not in BREAKDOWNS:
        raise ValueError(dimension)
    return _breakdowns_of(brand=brand, period=period, segment=segment, scope=scope, dimensions=[dimension])[
        dimension
    ]


def _breakdowns_of(
    *, brand: Brand, period: Period, segment: Segment | None, scope: Q | None, dimensions: list[str]
) -> dict[str, list[dict[str, Any]]]:
    if scope is None:
        return _breakdowns(brand=brand, period=period, segment=segment, dimensions=dimensions)
    return _scoped_breakdowns(brand=brand, period=period, segment=segment, scope=scope, dimensions=dimensions)


def dashboard_totals(*, brand: Brand, period: Period, segment: Segment | None = None) -> dict[str, Any]:
    cube = SelloutCube.objects.filter(
        brand=brand, dimension=CubeDimension.TOTAL, month__gte=period.start, month__lt=period.stop
    )
    cube = cube.filter(segment=segment) if segment else cube.filter(segment__isnull=True)
    sums = cube.aggregate(u=Sum("units"), a=Sum("amount_cents"), n=Sum("lines"))
    return {"units": int(sums["u"] or 0), "amount": cents_to_amount(sums["a"]), "lines": int(sums["n"] or 0)}


def network_coverage(
    *,
    brand: Brand,
    period: Period,
    segment: Segment | None = None,
    grace_days: int | None = None,
    scope: Q | None = None,
) -> dict[str, Any]:
    """Share of active partners that declared over the period, and that declared on time.

    A partner declared when one of its submitted (or reviewed) declarations overlaps the period; on time when
    such a declaration was submitted at most ``grace_days`` after its own period end.
    """
    grace = DECLARATION_GRACE_DAYS if grace_days is None else grace_days
    partner_t, declaration_t = quoted_table(PartnerCompany), quoted_table(Declaration)
    members = ""
    member_params: list[Any] = []
    if segment is not None:
        members = f" AND p.id IN (SELECT partner_id FROM {quoted_table(SegmentMembership)} WHERE segment_id = %s AND valid_to IS NULL)"  # noqa: S608
        member_params = [segment.pk]
    partners = scope_partners(brand=brand, scope=scope)
    if partners is not None:
        # A channel manager's partners only (its scope, as a subquery of ids).
        scope_sql, scope_params = partners.query.sql_with_params()
        members += f" AND p.id IN ({scope_sql})"
        member_params += list(scope_params)
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
            end = as_date(period_end)
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


def dashboard_data(
    *, brand: Brand, period: Period, segment: Segment | None = None, scope: Q | None = None
) -> dict[str, Any]:
    """Everything the brand dashboard shows for a period and an optional segment (and a channel manager's
    ``scope``: its partners only)."""
    breakdowns = _breakdowns_of(
        brand=brand, period=period, segment=segment, scope=scope, dimensions=list(BREAKDOWNS)
    )
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
        "coverage": network_coverage(brand=brand, period=period, segment=segment, scope=scope),
        "breakdowns": {dimension: breakdowns[dimension] for dimension in BREAKDOWNS},
    }


def top_partners(
    *,
    brand: Brand,
    period: Period,
    segment: Segment | None = None,
    limit: int = 10,
    scope: Q | None = None,
) -> list[dict[str, Any]]:
    """The brand's partners (those of ``scope`` when given) with the most units over the period (for the
    drill-down links)."""
    rows = in_scope(
        SelloutRollup.objects.filter(brand=brand, month__gte=period.start, month__lt=period.stop),
        brand=brand,
        scope=scope,
    )
    if segment is not None:
        rows = rows.filter(partner_id__in=segment_current_members(segment).values("partner_id"))
    top = list(
        rows.values("partner_id")
        .annotate(u=Sum("units"), a=Sum("amount_cents", filter=Q(currency=brand.currency)))
        .order_by("-u", "partner_id")[:limit]
    )
    partners = PartnerCompany.objects.filter(brand=brand).in_bulk([r["partner_id"] for r in top])
    return [
        {"partner": partners[r["partner_id"]], "units": int(r["u"] or 0), "amount": cents_to_amount(r["a"])}
        for r in top
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

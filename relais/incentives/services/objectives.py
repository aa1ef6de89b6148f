"""Objectives: a partner's sell-out target for a period, entered, imported from a table, or proposed from
last year's sales and its segment's trend.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.core.tabular import columns_map, table_read
from relais.incentives.models import Objective
from relais.incentives.rules import shift_year
from relais.incentives.selectors import sellout_totals_by_partner
from relais.network.models import PartnerCompany, Segment, SegmentMembership


@transaction.atomic
def objective_set(
    *,
    brand: Brand,
    partner: PartnerCompany,
    period_start: date,
    period_end: date,
    metric: str,
    target: Decimal,
    source: str = Objective.Source.ENTERED,
    note: str = "",
) -> Objective:
    """Create or replace a partner's objective for a period and metric."""
    if partner.brand_id != brand.pk:
        raise ApplicationError(_("Unknown partner."))
    if period_end < period_start:
        raise ApplicationError(_("The period ends before it starts."))
    if target <= 0:
        raise ApplicationError(_("The target must be positive."))
    if metric not in Objective.Metric.values:
        raise ApplicationError(_("Unknown metric."))
    objective, _created = Objective.objects.update_or_create(
        partner=partner,
        period_start=period_start,
        period_end=period_end,
        metric=metric,
        defaults={"brand": brand, "target": target, "source": source, "note": note[:300]},
    )
    return objective


def _parse_date(value: str) -> date:
    value = value.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise ValueError(value)


_IMPORT_COLUMNS = ("partner_code", "period_start", "period_end", "metric", "target")


def objectives_import_csv(*, brand: Brand, content: str | bytes, filename: str = "") -> dict[str, Any]:
    """Import objectives from a table (``partner_code,period_start,period_end,metric,target``), read by the
    project's tabular reader: CSV in any usual delimiter and encoding, or a spreadsheet.

    Valid rows are saved, invalid ones reported with their row number in the file; nothing is saved twice.
    """
    raw = content.encode() if isinstance(content, str) else content
    table = table_read(content=raw, filename=filename)
    found, _unknown = columns_map(table.headers, {name: set() for name in _IMPORT_COLUMNS})
    missing = [name for name in _IMPORT_COLUMNS if name not in found]
    if missing:
        raise ApplicationError(_("Missing columns: %(columns)s.") % {"columns": ", ".join(sorted(missing))})
    partners = {p.code: p for p in PartnerCompany.objects.filter(brand=brand)}
    saved, errors = 0, []
    for number, cells in table.rows:
        row = {name: str(cells[index]).strip() if index < len(cells) else "" for name, index in found.items()}
        try:
            _objective_import_row(brand=brand, partners=partners, row=row)
            saved += 1
        except ApplicationError as exc:
            errors.append({"row": number, "message": exc.message})
    return {"saved": saved, "errors": errors}


def _objective_import_row(*, brand: Brand, partners: dict[str, PartnerCompany], row: dict[str, str]) -> None:
    partner = partners.get(row["partner_code"])
    if partner is None:
        raise ApplicationError(_("unknown partner code %(code)s") % {"code": row["partner_code"]})
    try:
        start, end = _parse_date(row["period_start"]), _parse_date(row["period_end"])
    except ValueError as exc:
        raise ApplicationError(_("invalid date %(value)s") % {"value": exc}) from exc
    try:
        target = Decimal(row["target"].replace(",", ".").replace(" ", ""))
    except InvalidOperation as exc:
        raise ApplicationError(_("invalid target %(value)s") % {"value": row["target"]}) from exc
    objective_set(
        brand=brand,
        partner=partner,
        period_start=start,
        period_end=end,
        metric=row["metric"].lower(),
        target=target,
        source=Objective.Source.IMPORTED,
    )


def objectives_propose(
    *,
    brand: Brand,
    period_start: date,
    period_end: date,
    metric: str = Objective.Metric.AMOUNT,
    segment: Segment | None = None,
    save: bool = True,
) -> list[dict[str, Any]]:
    """Propose an objective per partner: its sales in the same period last year × its segment's trend.

    The trend is the segment's sales over the 12 months before the period start divided by the 12 months
    before those (clamped to 0.5–2; 1 without history). Partners without sales last year get no proposal.
    With ``save`` the proposals are stored (source "proposed"), replacing objectives of the same period.
    """
    last_start, last_end = shift_year(period_start, -1), shift_year(period_end, -1)
    partners = PartnerCompany.objects.filter(brand=brand, is_active=True)
    if segment is not None:
        if segment.brand_id != brand.pk:
            raise ApplicationError(_("Unknown segment."))
        partners = partners.filter(
            segment_memberships__segment=segment, segment_memberships__valid_to__isnull=True
        )
    partner_ids = list(partners.values_list("pk", flat=True))
    last_year = sellout_totals_by_partner(
        brand=brand, partner_ids=partner_ids, start=last_start, end=last_end, metric=metric
    )
    # Segment trend per partner: the partner's segments (or the whole network) over two 12-month windows.
    recent_end = period_start - timedelta(days=1)
    recent_start = shift_year(period_start, -1)
    before_start = shift_year(period_start, -2)
    before_end = recent_start - timedelta(days=1)
    memberships: dict[int, list[int]] = defaultdict(list)
    for member_id, member_segment_id in SegmentMembership.objects.filter(
        partner_id__in=partner_ids, valid_to__isnull=True, segment__brand=brand
    ).values_list("partner_id", "segment_id"):
        memberships[member_id].append(member_segment_id)
    trend_cache: dict[int | None, Decimal] = {}

    def trend_of(segment_id: int | None) -> Decimal:
        if segment_id not in trend_cache:
            members = None
            if segment_id is not None:
                members = list(
                    SegmentMembership.objects.filter(
                        segment_id=segment_id, valid_to__isnull=True
                    ).values_list("partner_id", flat=True)
                )
            recent = sum(
                sellout_totals_by_partner(
                    brand=brand, partner_ids=members, start=recent_start, end=recent_end, metric=metric
                ).values()
            )
            before = sum(
                sellout_totals_by_partner(
                    brand=brand, partner_ids=members, start=before_start, end=before_end, metric=metric
                ).values()
            )
            trend = Decimal(1) if not before or not recent else Decimal(recent) / Decimal(before)
            trend_cache[segment_id] = min(Decimal(2), max(Decimal("0.5"), trend))
        return trend_cache[segment_id]

    proposals = []
    partners_by_id = {p.pk: p for p in PartnerCompany.objects.filter(pk__in=partner_ids)}
    for partner_id, base in sorted(last_year.items()):
        if base <= 0:
            continue
        segment_id: int | None = (
            segment.pk
            if segment is not None
            else (min(memberships[partner_id]) if memberships[partner_id] else None)
        )
        trend = trend_of(segment_id)
        target = (Decimal(base) * trend).quantize(
            Decimal(1) if metric == Objective.Metric.UNITS else Decimal("0.01")
        )
        if target <= 0:
            continue
        proposal = {
            "partner": partners_by_id[partner_id],
            "last_year": base,
            "trend": trend.quantize(Decimal("0.001")),
            "target": target,
        }
        proposals.append(proposal)
        if save:
            objective_set(
                brand=brand,
                partner=partners_by_id[partner_id],
                period_start=period_start,
                period_end=period_end,
                metric=metric,
                target=target,
                source=Objective.Source.PROPOSED,
                note=_("Last year %(base)s × trend %(trend)s") % {"base": base, "trend": proposal["trend"]},
            )
    return proposals

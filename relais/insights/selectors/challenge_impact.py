"""What a challenge changed (on the brand's challenge page): its participants' sell-out and data sharing
against the same months a year earlier, next to the partners outside it, and what the points cost."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from relais.core.models import Brand
from relais.incentives.models import Challenge
from relais.incentives.rules import challenge_eligible_partners
from relais.insights.models import SelloutRollup
from relais.insights.periods import months_covering
from relais.insights.selectors.common import cents_to_amount
from relais.network.models import PartnerCompany


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


def _participants(*, challenge: Challenge) -> set[int]:
    """The brand's active partners that take part in the challenge (incentives' own eligibility rule)."""
    return set(
        challenge_eligible_partners(challenge=challenge).filter(is_active=True).values_list("pk", flat=True)
    )


def _group_summary(*, brand: Brand, partner_ids: set[int], months: list[dt.date]) -> dict[str, Any]:
    before = [m.replace(year=m.year - 1) for m in months]
    during = _group_figures(brand=brand, partner_ids=partner_ids, months=months)
    earlier = _group_figures(brand=brand, partner_ids=partner_ids, months=before)
    count = len(partner_ids)
    return {
        "partners": count,
        "amount": cents_to_amount(during["amount_cents"]),
        "amount_before": cents_to_amount(earlier["amount_cents"]),
        "amount_growth": _growth(during["amount_cents"], earlier["amount_cents"]),
        "units": during["units"],
        "units_before": earlier["units"],
        "sharing": during["sharing"],
        "sharing_before": earlier["sharing"],
        "sharing_percent": round(100 * during["sharing"] / count) if count else 0,
        "sharing_percent_before": round(100 * earlier["sharing"] / count) if count else 0,
    }


def challenge_impact(*, challenge: Challenge) -> dict[str, Any]:
    """What a challenge changed: the sell-out and the data sharing of its participants over the months of the
    challenge against the same months a year earlier, next to the partners outside it (the control group,
    when the challenge targets segments), and the points it cost per extra 100 of sell-out.

    Read from the rollups; participants are the partners eligible at some point of the challenge period.
    """
    brand = challenge.brand
    months = months_covering(challenge.period_start, challenge.period_end)
    active = set(PartnerCompany.objects.filter(brand=brand, is_active=True).values_list("pk", flat=True))
    participants = _participants(challenge=challenge)
    groups = {"participants": participants, "others": active - participants}
    out: dict[str, Any] = {
        "months": months,
        "currency": brand.currency,
        "groups": {
            name: _group_summary(brand=brand, partner_ids=ids, months=months) for name, ids in groups.items()
        },
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

"""What the intervention cost per extra unit and per 100 of extra sell-out."""

from __future__ import annotations

from decimal import Decimal

from relais.insights.effect.types import EffectCost, EffectResult

_CENT = Decimal("0.01")


def _per(cost: Decimal, extra: float, scale: int = 1) -> Decimal | None:
    if extra <= 0:
        return None
    return (cost * scale / Decimal(repr(extra))).quantize(_CENT)


def _per_range(cost: Decimal, worst: float, best: float, scale: int = 1) -> tuple[Decimal, Decimal] | None:
    low, high = _per(cost, best, scale), _per(cost, worst, scale)
    return (low, high) if low is not None and high is not None else None


def effect_cost(*, result: EffectResult, points: int, point_value: Decimal) -> EffectCost:
    """The intervention's cost (``points`` x ``point_value``) per extra unit and per 100 of extra sell-out.

    Each comes with the range the effect's interval allows (cheapest first), when its worst case still
    has an extra to divide by.
    """
    cost = Decimal(points) * point_value
    units, amount = result.units, result.amount
    return EffectCost(
        cost=cost.quantize(_CENT),
        per_extra_unit=_per(cost, units.extra),
        per_extra_unit_range=_per_range(cost, units.extra_low, units.extra_high),
        per_100_extra_amount=_per(cost, amount.extra, 100),
        per_100_extra_amount_range=_per_range(cost, amount.extra_low, amount.extra_high, 100),
    )

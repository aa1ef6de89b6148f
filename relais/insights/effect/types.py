"""The effect measurement's panel, options, results and refusals (see the package docstring)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

METHOD_TREND = "matched_did_linear_trends"
METHOD_PLAIN = "matched_did"


@dataclass(frozen=True)
class PartnerSeries:
    """One partner of the panel: its per-period units and amount, oldest period first.

    ``shared`` and ``on_time`` (optional, one flag per period) say whether the partner shared sell-out for
    the period and whether it did so on time; given for every partner, they yield the data-sharing effect.
    """

    partner_id: int
    participant: bool
    units: Sequence[float]
    amount: Sequence[float]
    segment: str = ""
    kind: str = ""
    country: str = ""
    shared: Sequence[bool] | None = None
    on_time: Sequence[bool] | None = None


@dataclass(frozen=True)
class EffectPanel:
    """Every partner eligible to be compared, and the intervention window ``[window_start, window_end)``.

    Periods before ``window_start`` are the pre-period. ``last_period_share`` is the elapsed share of the
    series' last period (1.0 when closed); ``day_for_day`` says the caller already cut every period to the
    same elapsed days, so an open period compares like with like.
    """

    partners: Sequence[PartnerSeries]
    window_start: int
    window_end: int
    last_period_share: float = 1.0
    day_for_day: bool = False


@dataclass(frozen=True)
class EffectOptions:
    """The method's settings; the defaults are the documented ones (module docstring, docs/insights.md)."""

    k: int = 3
    caliper: float = 1.0
    min_stratum_controls: int = 5
    max_unmatched_share: float = 0.2
    min_participants: int = 10
    min_controls: int = 10
    min_pre_periods: int = 12
    extrapolate_trend: bool = True
    match_on_trend: bool = False
    confidence: float = 0.95
    resamples: int = 1000
    seed: int = 0
    placebo_confidence: float = 0.99
    placebo_tolerance: float = 0.03


@dataclass(frozen=True)
class MetricEffect:
    """The effect on one measure (units or amount) over the window, with its interval and its placebo.

    ``relative`` and its bounds are fractions (0.15 = +15 %); ``observed`` is the participants' total over
    the window, ``extra`` what it holds beyond the counterfactual, with the interval's bounds.
    """

    relative: float
    low: float
    high: float
    observed: float
    counterfactual: float
    extra: float
    extra_low: float
    extra_high: float
    placebo: float
    placebo_low: float
    placebo_high: float


@dataclass(frozen=True)
class ControlGroup:
    """Who the participants were compared with, and how they were chosen."""

    participants: int
    participants_unmatched: int
    candidates: int
    controls: int
    k: int
    matched_on: tuple[str, ...]
    levels: Mapping[str, int]
    pre_growth_participants: float
    pre_growth_controls: float


@dataclass(frozen=True)
class SharingEffect:
    """Share of periods with sell-out shared (or shared on time), before and during, each group.

    ``change_points`` is the participants' change minus the controls', in percentage points.
    """

    participants_before: float
    participants_during: float
    controls_before: float
    controls_during: float
    change_points: float


@dataclass(frozen=True)
class EffectResult:
    """A measured effect: units and amount, the control group, and the data-sharing effect when known."""

    units: MetricEffect
    amount: MetricEffect
    control: ControlGroup
    sharing: SharingEffect | None
    on_time: SharingEffect | None
    method: str
    confidence: float
    pre_periods: int
    window_periods: int
    placebo_periods: int


@dataclass(frozen=True)
class NotMeasurable:
    """An honest refusal: a reason code and the figures its message needs (``refusal_message``)."""

    reason: str
    params: Mapping[str, int | float] = field(default_factory=dict)


@dataclass(frozen=True)
class EffectCost:
    """What the intervention cost per extra unit and per 100 of extra sell-out (brand currency).

    ``None`` when there is no extra to divide by; the ranges are ``None`` when the interval's worst case
    has no extra.
    """

    cost: Decimal
    per_extra_unit: Decimal | None
    per_extra_unit_range: tuple[Decimal, Decimal] | None
    per_100_extra_amount: Decimal | None
    per_100_extra_amount_range: tuple[Decimal, Decimal] | None


REFUSAL_MESSAGES: Mapping[str, StrOrPromise] = {
    "period_incomplete": _(
        "Not measurable yet: the last period is still open (%(elapsed_percent)s %% elapsed); "
        "the effect is measured once it closes."
    ),
    "too_few_pre_periods": _(
        "Not measurable: %(pre_periods)s periods of history before the start, %(required)s needed."
    ),
    "too_few_participants": _(
        "Not measurable: %(participants)s comparable participants, at least %(required)s needed."
    ),
    "no_control": _(
        "Not measurable: no comparable non-participants "
        "(%(unmatched)s of %(participants)s participants have none of similar size)."
    ),
    "too_few_controls": _(
        "Not measurable: %(controls)s comparable non-participants, at least %(required)s needed."
    ),
    # Refused by the selectors that build the panel (relais.insights.selectors.challenge_impact), before
    # any measure.
    "no_candidates": _(
        "Not measurable: every active partner takes part (%(participants)s), "
        "so there is no comparable group outside it."
    ),
    "declarations_due": _(
        "Not measurable yet: declarations for the last month are due within %(grace_days)s days of its end "
        "(%(days_left)s days left); the effect is measured once they are in."
    ),
    "pre_trends_diverge": _(
        "Not measurable: before the start, participants already moved away from the comparison group "
        "(%(placebo_percent)s %%, between %(low_percent)s %% and %(high_percent)s %%)."
    ),
}


def refusal_message(refusal: NotMeasurable) -> str:
    """The refusal in the active language, its figures filled in."""
    return str(REFUSAL_MESSAGES[refusal.reason]) % dict(refusal.params)

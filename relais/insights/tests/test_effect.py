"""The effect measurement on a simulated network with a known +15 % effect (no database).

The network (tests/effect_simulation.py) has seasonality, a common trend, partner-specific trends (fast
growers +12 %/year against +2 %, and larger) and lognormal noise; participants are chosen at random or
mostly among the fast growers, the way brands challenge their best segments.
"""

from dataclasses import replace
from decimal import Decimal

import pytest

from relais.insights.effect import (
    METHOD_TREND,
    EffectOptions,
    EffectPanel,
    EffectResult,
    NotMeasurable,
    PartnerSeries,
    effect_cost,
    effect_measure,
    refusal_message,
)
from relais.insights.tests.effect_simulation import naive_lift, simulate_network

TRUTH = 0.15
WITHIN = (0.12, 0.18)  # +-20 % of the truth


def _measured(panel: EffectPanel, options: EffectOptions | None = None) -> EffectResult:
    result = effect_measure(panel=panel, options=options)
    assert isinstance(result, EffectResult), result
    return result


def _refusal(panel: EffectPanel, options: EffectOptions | None = None) -> NotMeasurable:
    result = effect_measure(panel=panel, options=options)
    assert isinstance(result, NotMeasurable), result
    return result


def _with_participants(panel: EffectPanel, participants: set[int]) -> EffectPanel:
    partners = [replace(p, participant=p.partner_id in participants) for p in panel.partners]
    return replace(panel, partners=partners)


def test_random_participants_read_the_injected_effect():
    network = simulate_network(seed=0, assignment="random")

    result = _measured(network.panel)

    for metric in (result.units, result.amount):
        assert WITHIN[0] <= metric.relative <= WITHIN[1]
        assert metric.low < metric.relative < metric.high
        assert metric.placebo_low <= 0 <= metric.placebo_high
        assert metric.extra == pytest.approx(metric.observed - metric.counterfactual)
        assert metric.extra_low < metric.extra < metric.extra_high
    assert result.method == METHOD_TREND
    assert (result.pre_periods, result.window_periods, result.placebo_periods) == (18, 6, 6)
    control = result.control
    assert control.k == 3
    assert control.matched_on == ("pre_level",)
    assert sum(control.levels.values()) == control.participants
    assert control.controls >= 50
    assert control.participants_unmatched == 0


def test_fast_growing_participants_read_the_injected_effect_where_the_naive_comparison_does_not():
    network = simulate_network(seed=0, assignment="fast_growers")

    result = _measured(network.panel)

    # The old reading (participants' year-on-year growth against every other partner's) counts the
    # participants' own faster trend as effect.
    assert naive_lift(network) > 0.20
    assert WITHIN[0] <= result.units.relative <= WITHIN[1]
    assert WITHIN[0] <= result.amount.relative <= WITHIN[1]
    assert result.units.low <= TRUTH <= result.units.high
    # The two groups did not grow alike before the start: the trends were extrapolated, not assumed equal.
    assert result.control.pre_growth_participants > result.control.pre_growth_controls + 0.002


def test_matching_on_the_measured_trend_does_not_remove_the_bias():
    # The variant the method rejects (module docstring): controls chosen on their measured pre-trend, then a
    # plain difference in differences. A measured slope is mostly noise, the bias comes back.
    network = simulate_network(seed=0, assignment="fast_growers")

    result = effect_measure(
        panel=network.panel, options=EffectOptions(match_on_trend=True, extrapolate_trend=False)
    )

    assert isinstance(result, NotMeasurable) or result.units.relative > WITHIN[1]


@pytest.mark.parametrize("assignment", ["random", "fast_growers"])
def test_the_interval_covers_the_truth_in_at_least_90_percent_of_50_seeds(assignment):
    covered = 0
    for seed in range(50):
        result = effect_measure(panel=simulate_network(seed=seed, assignment=assignment).panel)
        # A refusal counts as a miss: the measure must be both right and willing.
        if isinstance(result, EffectResult) and result.units.low <= TRUTH <= result.units.high:
            covered += 1

    assert covered >= 45


def test_every_partner_participating_leaves_no_control_group():
    panel = simulate_network(seed=1).panel
    everyone = _with_participants(panel, {p.partner_id for p in panel.partners})

    refusal = _refusal(everyone)

    assert refusal.reason == "no_control"
    assert refusal.params == {"participants": 400, "unmatched": 400}


def test_non_participants_far_smaller_than_every_participant_are_no_control_group():
    panel = simulate_network(seed=1).panel
    shrunk = [
        p
        if p.participant
        else replace(p, units=[u / 100 for u in p.units], amount=[a / 100 for a in p.amount])
        for p in panel.partners
    ]

    refusal = _refusal(replace(panel, partners=shrunk))

    assert refusal.reason == "no_control"
    # The smallest participant or two still find a partner their size; the rest have none.
    assert refusal.params["unmatched"] > 0.9 * refusal.params["participants"]


def test_an_open_last_period_claims_nothing():
    panel = replace(simulate_network(seed=2).panel, last_period_share=0.3)

    refusal = _refusal(panel)

    assert refusal.reason == "period_incomplete"
    assert refusal.params == {"elapsed_percent": 30}


def test_an_open_last_period_cut_day_for_day_is_measured():
    # The caller cut every period to the same elapsed days: like is compared with like.
    panel = replace(simulate_network(seed=2).panel, last_period_share=0.3, day_for_day=True)

    assert WITHIN[0] <= _measured(panel).units.relative <= WITHIN[1]


def test_participants_breaking_away_before_the_start_are_refused():
    network = simulate_network(seed=3, assignment="fast_growers", break_before=6, break_per_period=0.03)

    refusal = _refusal(network.panel)

    assert refusal.reason == "pre_trends_diverge"
    assert refusal.params["low_percent"] > 0


def test_too_short_a_history_is_refused():
    panel = replace(simulate_network(seed=4).panel, window_start=10, window_end=16)

    refusal = _refusal(panel)

    assert (refusal.reason, refusal.params) == ("too_few_pre_periods", {"pre_periods": 10, "required": 12})


def test_too_few_participants_are_refused():
    panel = _with_participants(simulate_network(seed=5).panel, {1, 2, 3, 4, 5})

    refusal = _refusal(panel)

    assert (refusal.reason, refusal.params) == ("too_few_participants", {"participants": 5, "required": 10})


def test_a_refusal_reads_in_the_active_language():
    refusal = NotMeasurable("too_few_controls", {"controls": 4, "required": 10})

    assert refusal_message(refusal) == "Not measurable: 4 comparable non-participants, at least 10 needed."


def test_the_data_sharing_effect_compares_participants_with_their_controls():
    result = _measured(simulate_network(seed=6).panel)

    # The simulation shares 90 % of months in both groups, before and during: no effect on sharing.
    assert result.sharing is not None
    assert result.sharing.participants_before == pytest.approx(0.9, abs=0.05)
    assert result.sharing.controls_during == pytest.approx(0.9, abs=0.05)
    assert abs(result.sharing.change_points) < 8


def test_the_cost_per_extra_unit_and_per_100_of_extra_sell_out():
    result = _measured(simulate_network(seed=0).panel)

    cost = effect_cost(result=result, points=5_000_000, point_value=Decimal("0.01"))

    assert cost.cost == Decimal("50000.00")
    assert cost.per_extra_unit == (Decimal(50_000) / Decimal(repr(result.units.extra))).quantize(
        Decimal("0.01")
    )
    assert cost.per_100_extra_amount is not None
    assert cost.per_extra_unit_range is not None
    cheapest, dearest = cost.per_extra_unit_range
    assert cheapest < cost.per_extra_unit < dearest


def test_the_same_panel_gives_the_same_figures():
    panel = simulate_network(seed=7).panel

    assert _measured(panel) == _measured(panel)


def test_a_ragged_panel_is_a_caller_error():
    panel = simulate_network(seed=8).panel
    ragged = [*panel.partners[:-1], PartnerSeries(partner_id=0, participant=False, units=[1.0], amount=[1.0])]

    with pytest.raises(ValueError, match="24 values"):
        effect_measure(panel=replace(panel, partners=ragged))

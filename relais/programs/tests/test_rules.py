"""Pure rules: inheritance, customer metrics, tiers at their boundaries."""

import datetime as dt

import polars as pl
import pytest

from relais.programs import rules

START, END = dt.date(2026, 4, 1), dt.date(2026, 6, 30)


def test_an_aspect_left_out_is_the_bases_and_one_set_is_the_programs_own():
    base = {"objectives": [{"metric": "amount"}], "tiers": [{"code": "silver"}]}
    own = {"tiers": [{"code": "gold"}]}

    effective = rules.effective_content(base=base, own=own)

    assert effective["objectives"] == [{"metric": "amount"}]
    assert effective["tiers"] == [{"code": "gold"}]
    assert effective["assortment"] == {"required": [], "recommended": []}
    assert rules.overridden_keys(base=base, own=own) == ["tiers"]
    assert rules.overridden_keys(base=base, own={"tiers": [{"code": "silver"}]}) == []


def test_previous_period_has_the_same_number_of_days():
    assert rules.previous_period(START, END) == (dt.date(2025, 12, 31), dt.date(2026, 3, 31))


def _lines(rows):
    return pl.DataFrame(
        [(p, 1, c, "", d, 1, 10.0) for p, c, d in rows], schema=rules.LINE_SCHEMA, orient="row"
    )


def test_new_repeat_and_lost_customers_computed_exactly():
    # Given partner 1's customers: A bought last quarter and again; B last quarter only (lost);
    # C is new this quarter; D bought two years ago and returns (not new, not in the previous quarter);
    # E bought last quarter twice and again this quarter.
    lines = _lines(
        [
            (1, "A", dt.date(2026, 2, 10)),
            (1, "A", dt.date(2026, 5, 3)),
            (1, "B", dt.date(2026, 1, 15)),
            (1, "C", dt.date(2026, 4, 2)),
            (1, "C", dt.date(2026, 6, 30)),
            (1, "D", dt.date(2024, 9, 1)),
            (1, "D", dt.date(2026, 4, 20)),
            (1, "E", dt.date(2026, 1, 1)),
            (1, "E", dt.date(2026, 3, 31)),
            (1, "E", dt.date(2026, 4, 1)),
            (1, "", dt.date(2026, 4, 5)),  # no customer reference: not counted
            (2, "A", dt.date(2026, 3, 1)),  # partner 2's own customer A, another person: lost at partner 2
        ]
    )

    metrics = {
        r["partner_id"]: r for r in rules.customer_metrics(lines, start=START, end=END).iter_rows(named=True)
    }

    one = metrics[1]
    assert (one["customers"], one["new_customers"], one["previous_customers"]) == (4, 1, 3)
    assert one["lost_customers"] == 1
    assert one["repeat_share"] == pytest.approx(200 / 3)
    two = metrics[2]
    assert (two["customers"], two["new_customers"], two["lost_customers"], two["repeat_share"]) == (
        0,
        0,
        1,
        0.0,
    )
    channel = rules.channel_customer_metrics(rules.customer_metrics(lines, start=START, end=END))
    assert channel == {"new_customers": 1, "lost_customers": 2, "customers": 4, "repeat_share": 50.0}


TIERS = [
    {"code": "silver", "name": "Silver", "min_amount": 1000},
    {"code": "gold", "name": "Gold", "min_amount": 5000, "min_attainment": 100},
    {"code": "platinum", "name": "Platinum", "min_amount": 20000, "min_attainment": 110, "min_quality": 98},
]


@pytest.mark.parametrize(
    ("amount", "attainment", "quality", "tier", "next_tier"),
    [
        (999.99, 0, 0, "", "silver"),
        (1000, 0, 0, "silver", "gold"),
        (4999.99, 150, 100, "silver", "gold"),
        (5000, 99.99, 100, "silver", "gold"),
        (5000, 100, 0, "gold", "platinum"),
        (20000, 110, 97.99, "gold", "platinum"),
        (20000, 110, 98, "platinum", ""),
    ],
)
def test_a_tier_is_reached_at_its_threshold_not_below(amount, attainment, quality, tier, next_tier):
    result = rules.tier_for(TIERS, {"amount": amount, "attainment": attainment, "quality": quality})

    assert (result.tier, result.next_tier) == (tier, next_tier)


def test_what_the_next_tier_still_needs():
    result = rules.tier_for(TIERS, {"amount": 4200, "attainment": 100, "quality": 90})

    assert result.tier == "silver" and result.next_tier == "gold"
    assert result.missing == {"amount": 800}


def test_attainment_of_a_lower_is_better_objective():
    assert rules.attainment(4, 4, metric="lost_customers") == 100
    assert rules.attainment(8, 4, metric="lost_customers") == 50
    assert rules.attainment(50, 200, metric="amount") == 25
    assert rules.attainment(None, 200, metric="amount") is None

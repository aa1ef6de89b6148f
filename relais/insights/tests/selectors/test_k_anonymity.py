"""Partner-facing aggregates are never built from fewer than K_MIN_OTHERS other partners (random networks)."""

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relais.core.tests.factories import BrandFactory
from relais.insights.selectors import (
    K_MIN_OTHERS,
    partner_benchmarks,
    period_clean,
    region_best_sellers,
    segment_feedback_themes,
)
from relais.insights.services import rollup_refresh
from relais.insights.tests.factories import declaration_with_lines, product
from relais.network.services import segment_create
from relais.network.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

REGIONS = ["Bretagne", "Normandie", "Occitanie"]
MONTHS = [dt.date(2026, 1, 5), dt.date(2026, 2, 5), dt.date(2026, 4, 5)]  # April is outside the period
_brands = itertools.count(1)

line_strategy = st.tuples(
    st.sampled_from(range(len(MONTHS))),
    st.integers(min_value=-3, max_value=20),
    st.sampled_from(["accepted", "accepted", "flagged", "rejected"]),
    st.booleans(),  # carries a comment
)
partner_strategy = st.tuples(st.sampled_from(REGIONS), st.lists(line_strategy, max_size=3))
network_strategy = st.lists(partner_strategy, min_size=1, max_size=14)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(network=network_strategy)
def test_partner_aggregates_need_five_other_partners(db, network):
    brand = BrandFactory(slug=f"k-anon-{next(_brands)}")
    item = product(brand)
    partners = []
    counted: dict[int, bool] = {}  # partner -> has counted lines in the period
    commented: dict[int, bool] = {}
    for region, lines in network:
        p = PartnerFactory(brand=brand, region=region)
        partners.append(p)
        if lines:
            declaration_with_lines(
                partner=p,
                lines=[
                    {
                        "product": item,
                        "quantity": qty,
                        "amount": qty * 10,
                        "sale_date": MONTHS[m],
                        "status": status,
                        "feedback": "livraison en retard" if comment else "",
                    }
                    for m, qty, status, comment in lines
                ],
            )
        in_period = [line for line in lines if line[0] < 2 and line[2] == "accepted"]
        counted[p.pk] = bool(in_period)
        commented[p.pk] = any(line[3] for line in in_period)
    segments = {
        region: segment_create(brand=brand, name=region, rules={"region": [region]}) for region in REGIONS
    }
    everyone = segment_create(brand=brand, name="All", rules={})
    rollup_refresh(brand=brand)
    period = period_clean(brand=brand, start="2026-01", end="2026-02")

    for p in partners:
        others_in = {
            "All": [o for o in partners if o.pk != p.pk],
            p.region: [o for o in partners if o.pk != p.pk and o.region == p.region],
        }
        for bench in partner_benchmarks(partner=p, period=period):
            name = bench["segment"].name
            assert bench["segment"] in (segments[p.region], everyone)
            contributors = sum(counted[o.pk] for o in others_in[name])
            assert bench["available"] == (contributors >= K_MIN_OTHERS), (name, contributors)
            if bench["available"]:
                assert set(bench) == {"segment", "available", "amount", "units"}
                for figure in (bench["amount"], bench["units"]):
                    assert set(figure) == {"mine", "median", "quartile"}
                    assert 1 <= figure["quartile"] <= 4
            else:
                assert set(bench) == {"segment", "available"}
        ranks = region_best_sellers(partner=p, period=period)
        region_contributors = sum(counted[o.pk] for o in others_in[p.region])
        # Products with rows in the period, even if all their lines were rejected-free zero sums, count here;
        # the rule is on partners with sell-out rows, which only counted lines create.
        assert (ranks is not None) == (region_contributors >= K_MIN_OTHERS)
        if ranks is not None:
            assert all(set(r) == {"rank", "product"} for r in ranks["ranks"])
        for themes in segment_feedback_themes(partner=p, period=period):
            name = themes["segment"].name
            contributors = sum(commented[o.pk] for o in others_in[name])
            assert themes["available"] == (contributors >= K_MIN_OTHERS), (name, contributors)
            if themes["available"]:
                assert all(set(t) == {"theme", "label", "share"} for t in themes["themes"])


def test_median_excludes_me_and_is_rounded(brand):
    item = product(brand)
    me = PartnerFactory(brand=brand)
    declaration_with_lines(
        partner=me, lines=[{"product": item, "quantity": 1000, "amount": 1, "sale_date": MONTHS[0]}]
    )
    for qty in (101, 102, 103, 104, 105):
        declaration_with_lines(
            partner=PartnerFactory(brand=brand),
            lines=[{"product": item, "quantity": qty, "amount": qty, "sale_date": MONTHS[0]}],
        )
    segment_create(brand=brand, name="All", rules={})
    rollup_refresh(brand=brand)
    [bench] = partner_benchmarks(partner=me, period=period_clean(brand=brand, start="2026-01", end="2026-01"))
    # The others' median is 103, exactly one partner's figure: shown rounded to two significant figures.
    assert bench["units"] == {"mine": 1000, "median": 100, "quartile": 4}


def test_the_amount_benchmark_adds_up_the_brands_currency_only(brand):
    from decimal import Decimal

    item = product(brand)
    partners = [PartnerFactory(brand=brand) for _ in range(7)]
    segment_create(brand=brand, name="Tous", rules={})
    me, swiss = partners[0], partners[1:4]
    for p in partners:
        declaration_with_lines(
            partner=p,
            lines=[{"product": item, "quantity": 2, "amount": 100, "sale_date": dt.date(2026, 1, 5)}],
        )
    # Half the others also sold in francs: their units count, their francs are not euros.
    for p in swiss:
        francs = {"product": item, "quantity": 1, "amount": 90000, "sale_date": dt.date(2026, 1, 6)}
        declaration_with_lines(partner=p, lines=[{**francs, "currency": "CHF"}])
    rollup_refresh(brand=brand)

    (entry,) = partner_benchmarks(
        partner=me, period=period_clean(brand=brand, start="2026-01", end="2026-03")
    )

    assert entry["available"]
    assert entry["amount"]["mine"] == Decimal("100.00")
    assert entry["amount"]["median"] == Decimal("100.00")
    assert entry["amount"]["quartile"] in {1, 2, 3, 4}
    assert entry["units"]["median"] == 2  # the others sold 2 or 3 units: median 2.5, shown as a whole unit

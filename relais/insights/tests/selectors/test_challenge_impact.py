"""challenge_impact: the participants' sell-out and data sharing against last year, next to the others."""

import datetime as dt
from decimal import Decimal

import pytest

from conftest import login_client
from relais.incentives.tests.factories import ChallengeFactory
from relais.insights.selectors import challenge_impact
from relais.insights.services import rollup_refresh
from relais.insights.tests.factories import declaration_with_lines, product
from relais.network.models import SegmentMembership
from relais.network.services import segment_create
from relais.network.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def sold(partner, item, amount, day):
    declaration_with_lines(
        partner=partner, lines=[{"product": item, "quantity": 1, "amount": amount, "sale_date": day}]
    )


def test_participants_grow_against_last_year_and_against_the_others(brand):
    item = product(brand)
    resellers = [PartnerFactory(brand=brand, kind="reseller") for _ in range(2)]
    quiet_reseller = PartnerFactory(brand=brand, kind="reseller")
    others = [PartnerFactory(brand=brand, kind="distributor") for _ in range(2)]
    segment = segment_create(brand=brand, name="Revendeurs", rules={"kind": ["reseller"]})
    # They were resellers before the challenge began.
    SegmentMembership.objects.filter(segment=segment).update(
        valid_from=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    challenge = ChallengeFactory(
        brand=brand, period_start=dt.date(2026, 3, 1), period_end=dt.date(2026, 4, 30)
    )
    challenge.segments.add(segment)
    challenge.points_posted = 300
    challenge.save()
    for reseller in resellers:
        sold(reseller, item, 100, dt.date(2025, 3, 10))  # a year earlier: 200 in all
        sold(reseller, item, 150, dt.date(2026, 4, 10))  # during: 300 in all, +50 %
    for distributor in others:
        sold(distributor, item, 100, dt.date(2025, 4, 2))  # 200
        sold(distributor, item, 110, dt.date(2026, 3, 2))  # 220, +10 %
    sold(quiet_reseller, item, 999, dt.date(2026, 5, 2))  # after the challenge: not counted
    rollup_refresh(brand=brand)

    impact = challenge_impact(challenge=challenge)

    mine, control = impact["groups"]["participants"], impact["groups"]["others"]
    assert (mine["partners"], mine["amount"], mine["amount_before"]) == (
        3,
        Decimal("300.00"),
        Decimal("200.00"),
    )
    assert mine["amount_growth"] == Decimal("50.0") and control["amount_growth"] == Decimal("10.0")
    assert (mine["sharing"], mine["sharing_before"], mine["sharing_percent"]) == (2, 2, 67)
    assert impact["lift_points"] == Decimal("40.0")
    # Expected without the challenge: 200 grown like the others (+10 %) = 220; extra = 80; 300 points / 80.
    assert impact["extra_amount"] == Decimal("80.00")
    assert impact["points_per_100_extra"] == Decimal("375.0")


def test_the_challenge_page_shows_what_it_changed(brand, brand_admin):
    item = product(brand)
    partner = PartnerFactory(brand=brand)
    challenge = ChallengeFactory(
        brand=brand, period_start=dt.date(2026, 3, 1), period_end=dt.date(2026, 3, 31)
    )
    sold(partner, item, 100, dt.date(2025, 3, 10))
    sold(partner, item, 120, dt.date(2026, 3, 10))
    rollup_refresh(brand=brand)

    html = login_client(brand_admin).get(f"/brand/challenges/{challenge.pk}/").content.decode()

    assert 'data-testid="challenge-impact"' in html
    assert 'data-testid="impact-participants-growth">+20.0 %' in html
    assert 'data-testid="impact-others"' not in html  # every partner takes part: no control group


def test_without_last_years_figures_nothing_is_claimed(brand, brand_admin):
    item = product(brand)
    partner = PartnerFactory(brand=brand)
    challenge = ChallengeFactory(
        brand=brand, period_start=dt.date(2026, 3, 1), period_end=dt.date(2026, 3, 31)
    )
    challenge.points_posted = 50
    challenge.save()
    sold(partner, item, 120, dt.date(2026, 3, 10))
    rollup_refresh(brand=brand)

    impact = challenge_impact(challenge=challenge)

    assert not impact["comparable"]
    assert impact["extra_amount"] is None and impact["points_per_100_extra"] is None
    html = login_client(brand_admin).get(f"/brand/challenges/{challenge.pk}/").content.decode()
    assert 'data-testid="impact-not-comparable"' in html and 'data-testid="impact-cost"' not in html

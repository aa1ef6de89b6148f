"""Promotions' reads: what a partner sees, the uptake, and what a promotion changed (its measure)."""

from __future__ import annotations

import datetime as dt

import pytest

from relais.incentives.tests.factories import RewardFactory, declaration_with_lines
from relais.insights.selectors.promotion_impact import promotion_impact, promotion_impact_find
from relais.network.tests.factories import PartnerFactory, SegmentFactory
from relais.programs.tests.factories import member
from relais.promotions import selectors, services
from relais.promotions.models import PromotionStatus
from relais.promotions.tests.factories import PromotionFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 1, 10)


def test_a_partner_sees_its_progress_towards_the_bonus(brand, partner):
    reward = RewardFactory(brand=brand, name="Casque audio")
    promotion = PromotionFactory(
        brand=brand, points_per_unit=2, bonus_reward=reward, bonus_threshold_units=10
    )
    services.promotion_points_post(declaration=declaration_with_lines(partner, lines=[{"quantity": 4}]))

    [mine] = selectors.partner_promotions(partner=partner, today=TODAY)

    assert mine.promotion == promotion and mine.phase == "current"
    assert (mine.units, mine.points, mine.bonus_earned, mine.units_to_bonus) == (4, 8, False, 6)


def test_the_uptake_counts_eligible_and_earning_partners(brand, partner):
    PartnerFactory.create_batch(2, brand=brand)
    promotion = PromotionFactory(brand=brand, points_per_unit=3)
    services.promotion_points_post(declaration=declaration_with_lines(partner, lines=[{"quantity": 2}]))

    uptake = selectors.promotion_uptake(promotion=promotion)

    assert (uptake["eligible"], uptake["earning"], uptake["units"], uptake["points"]) == (3, 1, 2, 6)
    assert uptake["partners"][0]["partner_id"] == partner.pk
    assert selectors.promotion_points_total(promotion=promotion) == 6


def test_the_impact_compares_the_segment_with_the_other_partners(brand, partner):
    segment = SegmentFactory(brand=brand)
    member(segment, partner)
    PartnerFactory.create_batch(3, brand=brand)
    promotion = PromotionFactory(brand=brand, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    promotion.segments.set([segment])

    effect = promotion_impact(promotion=promotion, today=dt.date(2026, 3, 15))

    assert (effect.participants, effect.candidates) == (1, 3)
    assert effect.refusal is not None  # running, and no figures yet: nothing is claimed
    assert effect.first_month == dt.date(2026, 3, 1) and effect.message


def test_a_promotion_for_the_whole_network_has_no_one_to_compare_with(brand, partner):
    promotion = PromotionFactory(
        brand=brand, announce_from=dt.date(2025, 2, 15), start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31)
    )

    effect = promotion_impact(promotion=promotion, today=dt.date(2026, 1, 10))

    assert effect.refusal is not None and effect.refusal.reason == "no_candidates"
    assert effect.message


def test_a_draft_or_a_promotion_not_started_is_not_measured(brand):
    draft = PromotionFactory(brand=brand, status=PromotionStatus.DRAFT)
    later = PromotionFactory(brand=brand, start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 30))

    assert promotion_impact_find(promotion=draft, today=TODAY) is None
    assert promotion_impact_find(promotion=later, today=dt.date(2026, 5, 1)) is None

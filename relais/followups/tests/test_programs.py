"""Programs and their siblings: a challenge's objective bonus reads the programs' account objectives (one
copy), the tier's points multiplier applies to the points a partner earns, premium rewards follow the tier,
and a suggestion carries the brochure of its product or family from the content library."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from relais.catalog.tests.factories import ProductFactory
from relais.followups import programs as followups
from relais.incentives import services as incentives
from relais.incentives.models import PointsEntry, RuleKind
from relais.incentives.tests.factories import ChallengeFactory, declaration_with_lines, running_challenge
from relais.network.tests.factories import PartnerFactory, SegmentFactory
from relais.programs.models import TierMove
from relais.programs.objectives import account_objective_set
from relais.programs.tests.factories import ProgramFactory, brochure, member, sell

pytestmark = pytest.mark.django_db
Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def tiered(partner, *, code: str, benefits: dict):
    today = timezone.localdate()
    program = ProgramFactory(
        brand=partner.brand,
        period_start=today - dt.timedelta(days=10),
        period_end=today + dt.timedelta(days=10),
        content={"tiers": [{"code": code, "name": code.title(), "min_amount": 1, "benefits": benefits}]},
    )
    TierMove.objects.create(
        brand=partner.brand,
        program=program,
        partner=partner,
        period_start=program.period_start,
        period_end=program.period_end,
        tier=code,
    )
    return program


def test_a_challenges_bonus_is_paid_on_the_partners_family_objective(brand, partner):
    challenge = ChallengeFactory(brand=brand, period_start=Q1[0], period_end=Q1[1])
    incentives.challenge_rule_add(
        challenge=challenge, kind=RuleKind.OBJECTIVE_BONUS, params={"tiers": [[100, 300]]}
    )
    lamp = ProductFactory(brand=brand, family="Lampes frontales")
    other = ProductFactory(brand=brand, family="Lampes torches")
    account_objective_set(
        brand=brand,
        partner=partner,
        period_start=Q1[0],
        period_end=Q1[1],
        metric="units",
        family="Lampes frontales",
        target=Decimal(10),
    )
    sell(partner, lamp, day=dt.date(2026, 2, 1), quantity=10)
    sell(partner, other, day=dt.date(2026, 2, 1), quantity=50)

    backtest = followups.challenge_backtest(challenge=challenge, period_start=Q1[0], period_end=Q1[1])
    result = followups.challenge_close(challenge=challenge)

    assert backtest["total_points"] == 300
    assert result == {"bonus_points": 300, "bonuses": 1, "confirmed": 0}
    assert PointsEntry.objects.get(partner=partner).amount == 300


def test_the_tier_multiplier_applies_to_the_points_a_partner_earns(brand, partner, other_partner):
    tiered(partner, code="gold", benefits={"points_multiplier": 1.5})
    running_challenge(brand, per_unit=10)
    mine = declaration_with_lines(partner, lines=[{"quantity": 3}])
    theirs = declaration_with_lines(other_partner, lines=[{"quantity": 3}])

    followups.challenge_score_declaration(declaration=mine)
    followups.challenge_score_declaration(declaration=theirs)

    assert PointsEntry.objects.get(partner=partner).amount == 45  # 3 units × 10 × 1.5
    assert PointsEntry.objects.get(partner=other_partner).amount == 30  # no tier: × 1
    assert followups.score_enqueue(declaration=mine).payload == {
        "declaration_id": mine.pk,
        "tier_factor": "1.5",
    }


def test_premium_follows_the_tier(partner, other_partner):
    tiered(partner, code="platinum", benefits={"premium_rewards": True, "mdf_share": 4})

    assert followups.premium_allowed(partner=partner) is True
    assert followups.premium_allowed(partner=other_partner) is False


def test_a_suggestion_shows_the_brochure_of_its_product_else_of_its_family(brand, partner):
    today = timezone.localdate()
    segment = SegmentFactory(brand=brand)
    program = ProgramFactory(
        brand=brand, segment=segment, period_start=today - dt.timedelta(days=5), period_end=today
    )
    laser = ProductFactory(brand=brand, name="Niveau laser 360", family="Mesure")
    meter = ProductFactory(brand=brand, name="Télémètre 50 m", family="Mesure")
    torch = ProductFactory(brand=brand, name="Torche T2", family="Lampes torches")
    member(segment, partner)
    for other in PartnerFactory.create_batch(5, brand=brand):
        member(segment, other)
        for product in (laser, meter, torch):
            sell(other, product, day=today, amount="100.00")
    own = brochure(brand, "Niveau laser 360 — fiche")
    family = brochure(brand, "Catalogue", "Toute la gamme Mesure")
    brochure(brand, "Autre", "Rien à voir")

    suggestions = followups.suggestions_with_brochures(program=program, partner=partner)

    by_name = {item["product"].name: item["brochure"] for item in suggestions["upsell"]}
    assert by_name == {"Niveau laser 360": own, "Télémètre 50 m": family, "Torche T2": None}

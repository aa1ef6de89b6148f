from datetime import date
from decimal import Decimal

import pytest

from relais.core.errors import ApplicationError
from relais.followups import programs as followups_programs
from relais.incentives import services
from relais.incentives.models import Challenge, PointsEntry, RuleKind
from relais.incentives.tests.factories import ChallengeFactory, declaration_with_lines
from relais.network.tests.factories import PartnerFactory
from relais.programs.objectives import account_objective_set
from relais.sellout.models import Declaration

TIERS = {"tiers": [[80, 100], [100, 300], [120, 600]]}


def challenge_with_tiers(brand, **kwargs):
    challenge = ChallengeFactory(
        brand=brand, period_start=date(2026, 1, 1), period_end=date(2026, 3, 31), **kwargs
    )
    services.challenge_rule_add(challenge=challenge, kind=RuleKind.OBJECTIVE_BONUS, params=TIERS)
    return challenge


def sold(partner, units, *, status=Declaration.Status.VALIDATED):
    declaration_with_lines(partner, lines=[{"quantity": units}], status=status)


@pytest.mark.parametrize(
    ("units", "expected"),
    [(79, None), (80, 100), (99, 100), (100, 300), (119, 300), (120, 600), (250, 600)],
)
def test_objective_bonus_pays_the_highest_tier_reached(brand, units, expected):
    partner = PartnerFactory(brand=brand)
    challenge = challenge_with_tiers(brand)
    account_objective_set(
        brand=brand,
        partner=partner,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
        metric="units",
        target=Decimal(100),
    )
    sold(partner, units)

    followups_programs.challenge_close(challenge=challenge)

    bonus = PointsEntry.objects.filter(partner=partner, challenge=challenge).values_list("amount", flat=True)
    assert list(bonus) == ([] if expected is None else [expected])
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.CLOSED


def test_only_validated_sales_count_towards_the_objective(partner):
    challenge = challenge_with_tiers(partner.brand)
    account_objective_set(
        brand=partner.brand,
        partner=partner,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
        metric="units",
        target=Decimal(100),
    )
    sold(partner, 70)
    sold(partner, 50, status=Declaration.Status.SUBMITTED)

    followups_programs.challenge_close(challenge=challenge)

    assert not PointsEntry.objects.exists()


def test_close_confirms_reviewed_points_and_respects_the_budget(partner, other_partner):
    challenge = challenge_with_tiers(partner.brand, budget_points=350)
    services.challenge_rule_add(challenge=challenge, kind=RuleKind.PER_LINE, points=Decimal(10))
    declaration = declaration_with_lines(partner, lines=[{"quantity": 100}])
    services.challenge_score_declaration(declaration=declaration)
    assert PointsEntry.objects.get().status == "provisional"
    Declaration.objects.filter(pk=declaration.pk).update(status=Declaration.Status.VALIDATED)
    for p in (partner, other_partner):
        account_objective_set(
            brand=p.brand,
            partner=p,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 3, 31),
            metric="units",
            target=Decimal(50),
        )
    sold(other_partner, 60)

    result = followups_programs.challenge_close(challenge=challenge)

    challenge.refresh_from_db()
    # Objectives are taken by partner name: Bricolage Dupont (120% → 600, cut to 340), then Quincaillerie
    # Martin (200% → 600, nothing left).
    assert challenge.points_posted == 350
    assert challenge.points_cut == 260 + 600
    assert result["confirmed"] == 1
    assert set(PointsEntry.objects.values_list("status", flat=True)) == {"confirmed"}
    bonus = PointsEntry.objects.get(partner=other_partner)
    assert bonus.amount == 340 and "260 of 600" in bonus.reason
    assert list(PointsEntry.objects.filter(partner=partner).values_list("amount", flat=True)) == [10]
    with pytest.raises(ApplicationError):
        followups_programs.challenge_close(challenge=challenge)


def test_status_moves_forward_and_needs_rules(brand):
    challenge = ChallengeFactory(brand=brand, status=Challenge.Status.DRAFT)
    with pytest.raises(ApplicationError):
        services.challenge_set_status(challenge=challenge, status="scheduled")
    services.challenge_rule_add(challenge=challenge, kind=RuleKind.PER_LINE, points=Decimal(1))
    services.challenge_set_status(challenge=challenge, status="scheduled")
    services.challenge_set_status(challenge=challenge, status="running")
    with pytest.raises(ApplicationError):
        services.challenge_set_status(challenge=challenge, status="draft")

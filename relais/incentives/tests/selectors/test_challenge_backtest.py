from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from relais.incentives import services
from relais.incentives.models import PointsEntry, RuleKind
from relais.incentives.selectors import backtest_default_period, challenge_backtest
from relais.incentives.tests.factories import ChallengeFactory, declaration_with_lines
from relais.network.models import SegmentMembership
from relais.network.tests.factories import PartnerFactory, SegmentFactory
from relais.sellout.models import Declaration


def test_backtest_costs_the_rules_on_last_year_without_writing(brand):
    challenge = ChallengeFactory(brand=brand, status="draft", budget_points=250)
    services.challenge_rule_add(challenge=challenge, kind=RuleKind.PER_UNIT, points=Decimal(2))
    services.challenge_rule_add(
        challenge=challenge, kind=RuleKind.MULTIPLIER, factor=Decimal(2), channel="online"
    )
    a, b, _idle = (PartnerFactory(brand=brand) for _ in range(3))
    declaration_with_lines(
        a,
        lines=[{"quantity": 50, "sale_date": date(2025, 2, 1), "channel": "online"}],
        status=Declaration.Status.VALIDATED,
    )
    declaration_with_lines(
        b, lines=[{"quantity": 40, "sale_date": date(2025, 3, 1)}], status=Declaration.Status.VALIDATED
    )
    declaration_with_lines(
        b, lines=[{"quantity": 999, "sale_date": date(2026, 2, 1)}], status=Declaration.Status.VALIDATED
    )

    start, end = backtest_default_period(challenge=challenge)
    result = challenge_backtest(challenge=challenge, period_start=start, period_end=end)

    assert (start, end) == (date(2025, 1, 1), date(2025, 3, 31))
    assert result["total_points"] == 280
    assert (result["capped_points"], result["cut_points"]) == (250, 30)
    assert result["partners_rewarded"] == 2
    assert [(row["partner_id"], row["points"]) for row in result["top"]] == [(a.pk, 200), (b.pk, 80)]
    assert not PointsEntry.objects.exists()


def test_backtest_counts_current_segment_members_without_history_that_far_back(brand):
    segment = SegmentFactory(brand=brand)
    member, outsider = PartnerFactory(brand=brand), PartnerFactory(brand=brand)
    SegmentMembership.objects.create(
        segment=segment, partner=member, valid_from=timezone.make_aware(datetime(2026, 11, 1))
    )
    challenge = ChallengeFactory(brand=brand)
    challenge.segments.set([segment])
    services.challenge_rule_add(challenge=challenge, kind=RuleKind.PER_LINE, points=Decimal(5))
    for partner in (member, outsider):
        declaration_with_lines(
            partner, lines=[{"sale_date": date(2025, 2, 1)}], status=Declaration.Status.VALIDATED
        )

    result = challenge_backtest(
        challenge=challenge, period_start=date(2025, 1, 1), period_end=date(2025, 3, 31)
    )

    assert [row["partner_id"] for row in result["top"]] == [member.pk]
    assert result["partners_eligible"] == 1

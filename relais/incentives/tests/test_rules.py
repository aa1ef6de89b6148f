from datetime import date, datetime

from django.utils import timezone

from relais.accounts.models import Role
from relais.accounts.tests.factories import UserFactory
from relais.incentives.rules import (
    challenge_eligible_partners,
    challenge_is_partner_eligible,
    period_bounds,
    points_account_user_id,
    shift_year,
)
from relais.incentives.tests.factories import ChallengeFactory
from relais.network.models import SegmentMembership
from relais.network.tests.factories import PartnerFactory, SegmentFactory


def aware(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))


def test_period_bounds_cover_the_local_days_inclusive():
    start, end = period_bounds(date(2026, 1, 1), date(2026, 3, 31))

    assert start == aware(2026, 1, 1)
    assert end == aware(2026, 4, 1)


def test_shift_year_moves_29_february_to_the_28th():
    assert shift_year(date(2026, 3, 31), -1) == date(2025, 3, 31)
    assert shift_year(date(2024, 2, 29), 1) == date(2025, 2, 28)


def test_without_segments_every_partner_of_the_brand_takes_part(brand, other_brand):
    challenge = ChallengeFactory(brand=brand)
    mine, theirs = PartnerFactory(brand=brand), PartnerFactory(brand=other_brand)

    assert challenge_is_partner_eligible(challenge=challenge, partner_id=mine.pk)
    assert set(challenge_eligible_partners(challenge=challenge)) == {mine}
    assert theirs not in challenge_eligible_partners(challenge=challenge)


def test_the_eligible_partners_filter_agrees_with_the_eligibility_of_each_partner(brand):
    """Members during the period (even for a day, even if gone since) take part; before or after do not."""
    segment, elsewhere = SegmentFactory(brand=brand), SegmentFactory(brand=brand)
    challenge = ChallengeFactory(brand=brand)  # 2026-01-01 .. 2026-03-31
    challenge.segments.set([segment])
    stays = {
        "open_since_before": (aware(2025, 6, 1), None),
        "left_during": (aware(2025, 6, 1), aware(2026, 2, 1)),
        "joined_during": (aware(2026, 3, 31, 12), None),
        "left_before": (aware(2025, 6, 1), aware(2025, 12, 31)),
        "joined_after": (aware(2026, 4, 1), None),
    }
    partners = {}
    for name, (valid_from, valid_to) in stays.items():
        partners[name] = PartnerFactory(brand=brand)
        SegmentMembership.objects.create(
            segment=segment, partner=partners[name], valid_from=valid_from, valid_to=valid_to
        )
    partners["other_segment"] = PartnerFactory(brand=brand)
    SegmentMembership.objects.create(
        segment=elsewhere, partner=partners["other_segment"], valid_from=aware(2025, 1, 1)
    )
    partners["no_segment"] = PartnerFactory(brand=brand)

    eligible = set(challenge_eligible_partners(challenge=challenge))

    assert {name for name, p in partners.items() if p in eligible} == {
        "open_since_before",
        "left_during",
        "joined_during",
    }
    for partner in partners.values():
        assert challenge_is_partner_eligible(challenge=challenge, partner_id=partner.pk) == (
            partner in eligible
        )


def test_a_seller_earns_on_their_own_account_everyone_else_on_the_company(partner, other_partner):
    seller = UserFactory(brand=partner.brand, partner=partner, role=Role.PARTNER_SELLER)
    admin = UserFactory(brand=partner.brand, partner=partner, role=Role.PARTNER_ADMIN)

    assert points_account_user_id(partner=partner, user=seller) == seller.pk
    assert points_account_user_id(partner=partner, user=admin) is None
    assert points_account_user_id(partner=other_partner, user=seller) is None
    assert points_account_user_id(partner=partner, user=None) is None

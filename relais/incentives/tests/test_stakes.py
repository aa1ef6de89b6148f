"""What a flagged line would earn if approved (the review queue's ranking), and the points a partner cannot
spend yet: the running challenges' current rules, their periods and eligible segments."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from relais.incentives.stakes import lines_points_at_stake, partners_pending_points
from relais.incentives.tests.factories import credit, declaration_with_lines, running_challenge
from relais.network.tests.factories import PartnerFactory, SegmentFactory, SegmentMembershipFactory
from relais.sellout.models import DeclarationLine

pytestmark = pytest.mark.django_db


def flagged_lines(partner, *quantities, sale_date=date(2026, 1, 15)):
    declaration = declaration_with_lines(
        partner, lines=[{"quantity": q, "status": "flagged", "sale_date": sale_date} for q in quantities]
    )
    return list(
        DeclarationLine.objects.filter(declaration=declaration).select_related("product").order_by("pk")
    )


def test_a_flagged_line_is_worth_what_the_running_challenges_would_pay(brand, partner):
    running_challenge(brand, per_unit=10)  # January to March 2026, every partner
    running_challenge(brand, per_unit=1)
    lines = flagged_lines(partner, 3, 5)
    late = flagged_lines(partner, 4, sale_date=date(2026, 6, 1))  # after both challenges

    points = lines_points_at_stake(brand=brand, lines=lines + late)

    assert points == {lines[0].pk: 33, lines[1].pk: 55, late[0].pk: 0}


def test_only_the_partners_of_an_eligible_segment_have_points_at_stake(
    brand, partner, django_assert_max_num_queries
):
    challenge = running_challenge(brand, per_unit=10)
    segment = SegmentFactory(brand=brand)
    challenge.segments.add(segment)
    SegmentMembershipFactory(
        segment=segment, partner=partner, valid_from=timezone.make_aware(datetime(2025, 1, 1))
    )
    outsiders = [PartnerFactory(brand=brand) for _ in range(5)]
    mine = flagged_lines(partner, 2)
    theirs = [line for outsider in outsiders for line in flagged_lines(outsider, 2)]

    with django_assert_max_num_queries(
        4
    ):  # challenges, then rules and eligible partners: not one per partner
        points = lines_points_at_stake(brand=brand, lines=mine + theirs)

    assert points[mine[0].pk] == 20
    assert {points[line.pk] for line in theirs} == {0}


def test_pending_points_are_the_partners_unspendable_lots(brand, partner, other_partner):
    credit(partner, 500)  # spendable at once: not pending
    credit(other_partner, 70, status="provisional")  # not confirmed yet: pending

    assert partners_pending_points(brand=brand, partner_ids=[partner.pk, other_partner.pk]) == {
        other_partner.pk: 70
    }

import re

import pytest
from django.test import Client

from relais.demo import DEMO_PASSWORD, demo_load
from relais.incentives.models import Challenge, PointsAccount, RedemptionOrder, Reward
from relais.incentives.rules import challenge_eligible_partners
from relais.incentives.tests.conftest import assert_ledger_consistent
from relais.insights.selectors import challenge_impact
from relais.network.models import Segment
from relais.sellout.demo import MEASURED_CHALLENGE


@pytest.mark.django_db
def test_demo_loads_challenges_catalogue_orders_a_consistent_ledger_and_a_measurable_challenge():
    result = demo_load()

    brand = result.brand
    assert "relais.incentives.demo" in result.extensions
    statuses = dict(Challenge.objects.filter(brand=brand).values_list("name", "status"))
    assert statuses["Rentrée chantier 2026"] == "closed"
    assert statuses["Défi fin d'année 2026"] == "running"
    assert Reward.objects.filter(brand=brand).count() == 12
    assert list(Reward.objects.filter(brand=brand, is_premium=True).values_list("name", flat=True)) == [
        "Budget publicité locale 1 500 €"
    ]
    assert RedemptionOrder.objects.filter(brand=brand).count() >= 2
    for account in PointsAccount.objects.filter(brand=brand):
        assert_ledger_consistent(account)

    # The closed challenge targets a segment whose memberships reach back before it: its participants are
    # the segment's members, the other partners a real comparison group, and the lift the sell-out demo
    # gave them is found, with an interval above zero that holds it.
    q3 = Challenge.objects.get(brand=brand, name=MEASURED_CHALLENGE.name)
    segment = Segment.objects.get(brand=brand, name=MEASURED_CHALLENGE.segment)
    assert list(q3.segments.all()) == [segment]
    participants = challenge_eligible_partners(challenge=q3).filter(is_active=True).count()
    assert segment.member_count >= participants > 50
    impact = challenge_impact(challenge=q3)
    assert impact.refusal is None, impact.message
    measured = impact.result
    assert measured is not None
    assert impact.participants == participants and impact.candidates > participants
    assert measured.control.controls >= 10 and measured.pre_periods >= 12
    for metric in (measured.units, measured.amount):
        assert 0 < metric.low <= MEASURED_CHALLENGE.lift <= metric.high
        assert metric.placebo_low <= 0 <= metric.placebo_high

    client = Client()
    assert client.login(email="admin@lumen.demo", password=DEMO_PASSWORD)
    html = client.get(f"/brand/challenges/{q3.pk}/").content.decode()
    section = html[html.index('data-testid="challenge-impact"') :]
    shown = re.search(r'data-testid="impact-amount-interval">between ([-+\d.]+) % and ([-+\d.]+) %', section)
    assert shown is not None and float(shown.group(1)) > 0
    assert f"Compared with {measured.control.controls} partners outside the challenge" in section
    assert 'data-testid="impact-not-measurable"' not in section

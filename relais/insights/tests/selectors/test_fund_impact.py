"""The return of a co-funded activity: nothing while only asked for; once approved, the measure of the
partner against comparable partners, or an honest refusal saying why (one partner, a running window)."""

import datetime as dt

import pytest

from relais.funds import services
from relais.funds.tests.factories import activity, fixed_allocation, fund_request
from relais.insights.selectors.fund_impact import fund_activity_impact
from relais.network.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_asked_only_is_not_measured_and_approved_says_why_not(brand, partner):
    PartnerFactory.create_batch(3, brand=brand, channel=partner.channel)
    activity(brand)
    request = fund_request(fixed_allocation(partner))
    assert fund_activity_impact(request=request) is None
    request = services.fund_request_decide(request=request, decision="full")
    impact = fund_activity_impact(request=request, today=dt.date(2026, 12, 2))
    assert impact is not None and impact.result is None
    assert impact.refusal is not None and impact.message
    assert impact.participants == 1 and impact.candidates == 3

"""The funds follow-ups: a decision or a payment tells the partner's users once the kind is registered in
comms; the decision stands either way."""

import datetime as dt

import pytest
from django.utils.translation import gettext_lazy

from relais.comms import kinds
from relais.comms.models import Category, Message
from relais.followups import funds as followups
from relais.funds import services
from relais.funds.tests.factories import activity, fixed_allocation, fund_request, invoice, photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund_kinds(monkeypatch):
    for code in ("fund_request_decided", "fund_claim_decided", "fund_claim_paid"):
        monkeypatch.setitem(kinds.KINDS, code, kinds.Kind(gettext_lazy("Funds"), Category.TRANSACTIONAL))
        monkeypatch.setitem(kinds.NOTIFICATION_TEXTS, code, ("%(title)s", "%(title)s"))


def test_each_decision_and_the_payment_tell_the_partner(
    brand, partner, partner_admin, brand_admin, fund_kinds
):
    activity(brand)
    request = fund_request(fixed_allocation(partner))
    followups.fund_request_decide(request=request, decision="full", by=brand_admin)
    claim = services.fund_claim_submit(
        request=request, actual_cost=request.planned_cost, files=[invoice(), photo()], idempotency_key="c"
    )
    claim = followups.fund_claim_decide(claim=claim, decision="full", by=brand_admin)
    followups.fund_claim_pay(claim=claim, reference="VIR-1", paid_on=dt.date(2026, 12, 1), by=brand_admin)
    messages = Message.objects.filter(brand=brand).order_by("pk")
    assert [m.code for m in messages] == ["fund_request_decided", "fund_claim_decided", "fund_claim_paid"]
    assert messages[0].params["status"] == "approved" and messages[2].params["reference"] == "VIR-1"
    assert all(m.recipient_count == 1 for m in messages)


def test_without_the_kinds_the_decision_stands_and_nothing_is_sent(brand, partner, partner_admin):
    activity(brand)
    request = fund_request(fixed_allocation(partner))
    decided = followups.fund_request_decide(request=request, decision="refused", reason="Hors charte")
    assert decided.status == "refused"
    assert not Message.objects.filter(code="fund_request_decided").exists()

"""The funds follow-ups: a decision or a payment tells the partner's users, in their language."""

import datetime as dt

import pytest
from django.utils import formats, translation

from relais.comms.models import Message
from relais.comms.rendering import message_render
from relais.followups import funds as followups
from relais.funds import services
from relais.funds.tests.factories import activity, fixed_allocation, fund_request, invoice, photo

pytestmark = pytest.mark.django_db


def test_each_decision_and_the_payment_tell_the_partner(brand, partner, partner_admin, brand_admin):
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
    paid = message_render(message=messages[2], language="fr")
    with translation.override("fr"):
        amount = formats.number_format(claim.approved_amount, 2, use_l10n=True, force_grouping=True)
    assert "," in amount  # French decimals
    assert paid.subject == f"Votre demande de remboursement pour « {request.title} » a été payée"
    assert paid.text == f"{amount} EUR payés le 1 décembre 2026, référence VIR-1."


def test_a_refusal_tells_the_partner_the_reason(brand, partner, partner_admin):
    activity(brand)
    request = fund_request(fixed_allocation(partner))
    decided = followups.fund_request_decide(request=request, decision="refused", reason="Hors charte")
    assert decided.status == "refused"
    message = Message.objects.get(code="fund_request_decided")
    rendered = message_render(message=message, language="en")
    assert rendered.subject == f"Your marketing fund request “{request.title}” was decided"
    assert rendered.text.startswith("Amount approved: 0.00 EUR. Hors charte")

"""Declaration reminders: before last month's deadline, to partners that have not declared; a last call;
each once per brand and month."""

import datetime as dt

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from relais.accounts.tests.factories import partner_user
from relais.comms.models import Delivery, Message
from relais.comms.rendering import message_render
from relais.comms.selectors import reminder_outcomes
from relais.comms.services import reminders_send
from relais.sellout.models import Declaration
from relais.sellout.tests.factories import DeclarationFactory


def _reminded(code):
    return set(Delivery.objects.filter(message__code=code).values_list("user__email", flat=True))


def test_partners_that_have_not_declared_last_month_are_reminded_once(brand, partner, other_partner):
    # Given October's deadline on 10 November: Martin declared, Dupont did not (a draft does not count)
    partner_user(partner, email="martin@example.test")
    dupont = partner_user(other_partner, email="dupont@example.test")
    DeclarationFactory(partner=partner, status=Declaration.Status.SUBMITTED, submitted_at=timezone.now())
    DeclarationFactory(partner=other_partner, status=Declaration.Status.DRAFT)
    # Nothing before the window opens
    assert reminders_send(brand=brand, today=dt.date(2026, 11, 2)) == {}
    # When the daily run passes seven days before, twice
    assert reminders_send(brand=brand, today=dt.date(2026, 11, 3)) == {"declaration_reminder": 1}
    assert reminders_send(brand=brand, today=dt.date(2026, 11, 4)) == {}
    # Then only Dupont got it, once, in its language
    assert _reminded("declaration_reminder") == {dupont.email}
    message = Message.objects.get(code="declaration_reminder")
    rendered = message_render(message=message, language="fr")
    assert rendered.subject == "Déclarez vos ventes pour octobre 2026"
    assert "10 novembre 2026" in rendered.text
    # And the day before the deadline comes the last call
    assert reminders_send(brand=brand, today=dt.date(2026, 11, 9)) == {"declaration_last_call": 1}
    assert _reminded("declaration_last_call") == {dupont.email}
    assert reminders_send(brand=brand, today=dt.date(2026, 11, 11)) == {}


def test_the_command_sends_the_reminders_of_every_brand(brand, other_partner):
    partner_user(other_partner, email="late@example.test")
    call_command("send_reminders", today="2026-11-05")
    assert _reminded("declaration_reminder") == {"late@example.test"}


def test_the_brand_sees_how_many_reminded_partners_then_declared_on_time(
    brand, partner, other_partner, admin_client_brand
):
    partner_user(partner, email="a@martin.test")
    partner_user(other_partner, email="b@dupont.test")
    # Given a reminder sent on 3 November to both partners
    reminders_send(brand=brand, today=dt.date(2026, 11, 3))
    sent = dt.datetime(2026, 11, 3, 9, tzinfo=dt.UTC)
    Message.objects.filter(code="declaration_reminder").update(sent_at=sent, created_at=sent)
    # When Martin declares on 5 November and Dupont after the 10 November deadline
    DeclarationFactory(
        partner=partner, status=Declaration.Status.SUBMITTED, submitted_at=sent + dt.timedelta(days=2)
    )
    DeclarationFactory(
        partner=other_partner, status=Declaration.Status.SUBMITTED, submitted_at=sent + dt.timedelta(days=9)
    )
    # Then one of the two reminded partners declared on time
    (row,) = reminder_outcomes(brand=brand)
    assert (row["reminded"], row["declared"]) == (2, 1)
    html = admin_client_brand.get(reverse("comms:campaigns")).content.decode()
    assert 'data-testid="reminders"' in html

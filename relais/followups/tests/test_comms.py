"""Notifications of what happened elsewhere: a review with its reasons, points, orders, a challenge."""

import datetime as dt

from relais.accounts.tests.factories import partner_user
from relais.comms.models import Delivery
from relais.comms.rendering import message_render
from relais.followups import comms
from relais.incentives.tests.factories import ChallengeFactory
from relais.network.tests.factories import PartnerFactory, SegmentFactory, SegmentMembershipFactory
from relais.sellout.review import ReviewOutcome
from relais.sellout.tests.factories import DeclarationFactory


def test_a_rejection_tells_the_partner_with_the_reason_in_its_language(brand, partner):
    reader = partner_user(partner, email="r@martin.test", preferred_language="fr")
    declaration = DeclarationFactory(partner=partner, lines_accepted=8, lines_rejected=2)
    (message,) = comms.lines_reviewed(
        outcome=ReviewOutcome(declarations=[declaration]), approve=False, reason_code="duplicate"
    )
    assert Delivery.objects.get(message=message).user == reader
    rendered = message_render(message=message, language="fr")
    assert rendered.subject == "Votre déclaration du 1 octobre 2026 au 31 octobre 2026 a été contrôlée"
    assert "Lignes refusées : 2." in rendered.text and "- Doublon" in rendered.text
    assert "- Duplicate" in message_render(message=message, language="en").text


def test_a_challenge_launch_reaches_the_members_of_its_segments_only(brand, partner, other_partner):
    segment = SegmentFactory(brand=brand)
    SegmentMembershipFactory(segment=segment, partner=partner)
    member = partner_user(partner, email="in@martin.test")
    partner_user(other_partner, email="out@dupont.test")
    partner_user(PartnerFactory(), email="other-brand@example.test")
    challenge = ChallengeFactory(
        brand=brand, name="Rentrée", period_start=dt.date(2026, 9, 1), period_end=dt.date(2026, 10, 31)
    )
    challenge.segments.add(segment)
    message = comms.challenge_launched(challenge=challenge)
    assert message is not None
    assert list(Delivery.objects.filter(message=message).values_list("user", flat=True)) == [member.pk]
    assert "Rentrée" in message_render(message=message, language="en").subject


def test_points_and_orders_notify_the_partner_users(brand, partner):
    reader = partner_user(partner, email="p@martin.test")
    posted = comms.points_posted(partner=partner, points=120, reason="Rentrée")
    expiring = comms.points_expiring(partner=partner, points=50, expires_on=dt.date(2026, 12, 31))
    assert posted is not None and expiring is not None
    assert message_render(message=posted, language="en").subject == "120 points posted"
    subject = message_render(message=expiring, language="fr").subject
    assert subject == "50 points expirent le 31 décembre 2026"
    # points posted are in the portal only by default: no e-mail
    assert Delivery.objects.get(message=posted, user=reader).email_status == Delivery.EmailStatus.SKIPPED

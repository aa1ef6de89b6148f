"""The points notices through the real ledger path: a declaration scored by its job, reviewed, its lots
freed at the end of the holding period and about to expire — each told once, one notice per partner."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.accounts.tests.factories import partner_user
from relais.comms.models import Delivery, Message
from relais.comms.rendering import message_render
from relais.followups.declarations import declaration_declare, line_review
from relais.followups.points import points_notices_send
from relais.incentives.models import PointsEntry
from relais.incentives.services import incentive_settings_save
from relais.incentives.tests.factories import running_challenge
from relais.network.tests.factories import PartnerFactory
from relais.sellout.models import DeclarationLine, Source
from relais.sellout.tests.factories import catalogue, ean13

LINES = [
    {"gtin": ean13(1), "quantity": "3", "sale_date": "2026-10-01", "amount": "60.00"},
    {"gtin": ean13(2), "quantity": "2", "sale_date": "2026-10-02", "amount": "40.00"},
    # five times the list price: flagged for the brand's review, earns nothing until approved
    {"gtin": ean13(3), "quantity": "1", "sale_date": "2026-10-03", "amount": "100.00"},
]


def notices(code: str) -> list[Message]:
    return list(Message.objects.filter(code=code).order_by("pk"))


@pytest.mark.django_db
def test_points_posted_then_available_then_expiring_are_each_told_once_per_partner(
    brand, channel_manager, django_capture_on_commit_callbacks
):
    # Given a brand holding earned points five days, a running challenge, two partners with a user each
    incentive_settings_save(brand=brand, holding_days=5, hold_until_reconciled=False)
    catalogue(brand, count=3)
    challenge = running_challenge(
        brand,
        per_unit=10,
        name="Automne",
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 10, 31),
    )
    partners = [PartnerFactory(brand=brand), PartnerFactory(brand=brand)]
    readers = [partner_user(p, preferred_language="fr") for p in partners]
    # When each declares October (the scoring job runs at commit) ...
    declarations = []
    for partner in partners:
        with django_capture_on_commit_callbacks(execute=True):
            declaration, _result = declaration_declare(
                partner=partner,
                lines=LINES,
                source=Source.FORM,
                period_start=dt.date(2026, 10, 1),
                period_end=dt.date(2026, 10, 31),
            )
        declarations.append(declaration)
    assert PointsEntry.objects.filter(kind="earn").count() == 4  # one lot per line scored
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        told = points_notices_send(brand=brand, now=start + dt.timedelta(minutes=5))
    # ... then one "points posted" per partner, for the sum of its lines, naming the challenge
    assert told == {"points_posted": 2, "points_available": 0, "points_expiring": 0}
    posted = notices("points_posted")
    assert [m.params for m in posted] == [{"points": 50, "reason": "Automne"}] * 2
    assert {d.user_id for m in posted for d in m.deliveries.all()} == {r.pk for r in readers}
    assert message_render(message=posted[0], language="fr").subject == "50 points crédités"
    # A second run tells nothing again
    assert points_notices_send(brand=brand, now=start + dt.timedelta(minutes=6))["points_posted"] == 0

    # When the brand reviews (the flagged line rejected: the others are confirmed) and the holding ends
    for declaration in declarations:
        flagged = DeclarationLine.objects.get(declaration=declaration, status=DeclarationLine.Status.FLAGGED)
        with django_capture_on_commit_callbacks(execute=True):
            line_review(line=flagged, approve=False, user=channel_manager)
    assert set(PointsEntry.objects.filter(kind="earn").values_list("status", flat=True)) == {"confirmed"}
    told = points_notices_send(brand=brand, now=start + dt.timedelta(days=6))
    # Then one "points available" per partner, once
    assert told == {"points_posted": 0, "points_available": 2, "points_expiring": 0}
    assert [m.params for m in notices("points_available")] == [{"points": 50}] * 2
    assert points_notices_send(brand=brand, now=start + dt.timedelta(days=7))["points_available"] == 0

    # When the lots come within 14 days of their expiry
    soonest = PointsEntry.objects.filter(kind="earn").order_by("expires_at").first()
    assert soonest is not None and soonest.expires_at is not None
    expires_at = soonest.expires_at
    told = points_notices_send(brand=brand, now=expires_at - dt.timedelta(days=10))
    # Then one "points expiring" per partner with the date, once, even on the next days' runs
    assert told == {"points_posted": 0, "points_available": 0, "points_expiring": 2}
    expiring = notices("points_expiring")
    assert [m.params for m in expiring] == [
        {"points": 50, "expires_on": timezone.localdate(expires_at).isoformat()}
    ] * 2
    assert points_notices_send(brand=brand, now=expires_at - dt.timedelta(days=9))["points_expiring"] == 0
    assert Delivery.objects.filter(message__code__startswith="points_").count() == 6
    assert challenge.entries.count() == 4

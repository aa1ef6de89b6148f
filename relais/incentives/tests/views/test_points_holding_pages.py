"""The partner sees its held points: how many, until when and why, on the points page, the catalogue and the
portal home; a redemption of held points through the web is refused with a clear message."""

from datetime import date, timedelta

from django.utils import timezone, translation
from django.utils.formats import date_format

from conftest import login_client
from relais.incentives import services
from relais.incentives.models import RedemptionOrder
from relais.incentives.tests.factories import (
    RewardFactory,
    credit,
    declaration_with_lines,
    running_challenge,
)
from relais.sellout.models import Declaration


def earn_and_validate(partner, *, quantity=5, created_by=None, beneficiary="partner"):
    running_challenge(partner.brand, per_unit=10, beneficiary=beneficiary)
    declaration = declaration_with_lines(partner, lines=[{"quantity": quantity}], created_by=created_by)
    declaration.status = Declaration.Status.VALIDATED
    declaration.save()
    services.challenge_score_declaration(declaration=declaration)


def test_points_page_shows_what_is_held_until_when_and_why(partner_client, partner, clock):
    earn_and_validate(partner)
    credit(partner, 20)
    day = date_format(timezone.localdate(clock.now + timedelta(days=14)), "SHORT_DATE_FORMAT")

    response = partner_client.get("/portal/points/")

    page = response.content.decode()
    summary = response.context["summary"]
    assert (summary["available"], summary["held"], summary["provisional"]) == (20, 50, 0)
    assert 'data-testid="points-held"' in page
    assert f"50 points held until {day}" in page
    assert f"Held until {day} (holding period)" in page
    assert "so it can check the sales data before they are spent" in page


def test_points_page_in_french(partner_client, partner, clock):
    earn_and_validate(partner)
    with translation.override("fr"):
        day = date_format(timezone.localdate(clock.now + timedelta(days=14)), "SHORT_DATE_FORMAT")

    page = partner_client.get("/portal/points/", headers={"accept-language": "fr"}).content.decode()

    assert f"50 points retenus jusqu'au {day}" in page
    assert "retenus (période de rétention)" in page


def test_points_held_until_reconciliation_say_so(partner_client, partner, clock):
    services.incentive_settings_save(brand=partner.brand, holding_days=0, hold_until_reconciled=True)
    earn_and_validate(partner)

    page = partner_client.get("/portal/points/").content.decode()
    assert "50 points held until the sales period is reconciled" in page
    assert "Held until the sales period is reconciled" in page

    services.points_release(
        brand=partner.brand, partner=partner, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31)
    )
    response = partner_client.get("/portal/points/")
    assert response.context["summary"]["available"] == 50
    assert "held until" not in response.content.decode().lower()


def test_catalogue_counts_only_available_points_and_refuses_held_ones(
    partner_client, partner, partner_admin, clock
):
    earn_and_validate(partner)
    reward = RewardFactory(brand=partner.brand, points_price=30, stock=None)

    catalogue = partner_client.get("/portal/rewards/")
    assert catalogue.context["summary"]["available"] == 0
    response = partner_client.post(
        f"/portal/rewards/{reward.pk}/redeem/", {"quantity": 1, "idempotency_key": "held-1"}, follow=True
    )
    assert "Not enough points: 0 available, 30 needed." in response.content.decode()
    assert not RedemptionOrder.objects.exists()

    clock.advance(days=14)
    later = login_client(partner_admin)  # a new session: the first one is two weeks old
    later.post(f"/portal/rewards/{reward.pk}/redeem/", {"quantity": 1, "idempotency_key": "held-2"})
    assert RedemptionOrder.objects.get().points_total == 30


def test_portal_home_shows_the_held_points_and_their_first_date(partner_client, partner, clock):
    earn_and_validate(partner)
    day = date_format(timezone.localdate(clock.now + timedelta(days=14)), "SHORT_DATE_FORMAT")

    page = partner_client.get("/portal/").content.decode()

    assert 'data-testid="portal-points-held"' in page
    assert f"50 held (first ones available on {day})" in page


def test_a_seller_sees_the_holding_of_its_own_points(partner, partner_seller, partner_admin, clock):
    earn_and_validate(partner, created_by=partner_seller, beneficiary="seller")

    seller_summary = login_client(partner_seller).get("/portal/points/").context["summary"]
    company_summary = login_client(partner_admin).get("/portal/points/").context["summary"]

    assert (seller_summary["held"], seller_summary["available"]) == (50, 0)
    assert company_summary["held"] == 0

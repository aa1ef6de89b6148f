"""The portal home tells a seller why its own balance is 0: the company earns the points, unless a
running challenge pays sellers."""

import pytest
from django.urls import reverse

from conftest import login_client
from relais.incentives.models import Challenge
from relais.incentives.tests.factories import running_challenge

pytestmark = pytest.mark.django_db


def home(user):
    return login_client(user).get(reverse("network:portal_home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_without_a_seller_challenge_the_company_earns_the_points(partner_seller, partner):
    running_challenge(partner.brand, per_unit=10)
    html = home(partner_seller)
    assert f"Your company, {partner.name}, earns the points of its declarations" in html


def test_with_a_seller_challenge_the_seller_earns_its_own(partner_seller, partner):
    challenge = running_challenge(partner.brand, per_unit=10)
    Challenge.objects.filter(pk=challenge.pk).update(beneficiary=Challenge.Beneficiary.SELLER)
    html = home(partner_seller)
    assert "Your own points come from the challenges for sellers" in html


def test_the_partner_admin_gets_no_seller_note(partner_admin):
    assert 'data-testid="portal-points-seller-note"' not in home(partner_admin)

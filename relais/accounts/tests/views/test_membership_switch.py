"""The brand switcher works per browser session: two sessions of one person work in two brands at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import login_client
from relais.accounts.memberships import ACTIVE_MEMBERSHIP_SESSION_KEY, membership_add
from relais.accounts.models import Membership, Role
from relais.accounts.services import user_create
from relais.accounts.tests.factories import PASSWORD
from relais.network.tests.factories import PartnerFactory
from relais.sellout.tests.factories import DeclarationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(partner, other_brand):
    """Jeanne: partner admin at ``partner`` (brand A, her login's own) and seller at Globex (brand B)."""
    jeanne = user_create(
        email="jeanne@multi.test", role=Role.PARTNER_ADMIN, partner=partner, password=PASSWORD
    )
    globex = PartnerFactory(brand=other_brand, code="G001", name="Globex Outils")
    membership_add(user=jeanne, brand=other_brand, role=Role.PARTNER_ADMIN, partner=globex)
    return jeanne


def switch(client, person, brand) -> None:
    membership = Membership.objects.get(user=person, brand=brand)
    response = client.post(reverse("accounts:membership_switch"), {"membership": membership.pk})
    assert response.status_code == 302


def test_two_sessions_of_one_person_each_see_only_the_brand_they_switched_to(person, partner, other_brand):
    ours = DeclarationFactory(partner=partner)
    theirs = DeclarationFactory(partner=Membership.objects.get(user=person, brand=other_brand).partner)
    ours_url = reverse("sellout:declaration_edit", args=[ours.pk])
    theirs_url = reverse("sellout:declaration_edit", args=[theirs.pk])
    laptop, phone = login_client(person), login_client(person)

    switch(laptop, person, partner.brand)
    switch(phone, person, other_brand)

    assert laptop.get(ours_url).status_code == 200
    assert laptop.get(theirs_url).status_code == 404
    assert phone.get(theirs_url).status_code == 200
    assert phone.get(ours_url).status_code == 404
    # Each session's list holds its own brand's declarations only.
    assert [d.pk for d in laptop.get(reverse("sellout:my_declarations")).context["page"]] == [ours.pk]
    assert [d.pk for d in phone.get(reverse("sellout:my_declarations")).context["page"]] == [theirs.pk]
    person.refresh_from_db()
    assert person.brand_id == partner.brand_id  # the switch is the session's, never the login row's


def test_a_session_that_never_switched_works_in_the_login_rows_brand(person, partner, other_brand):
    phone = login_client(person)
    switch(phone, person, other_brand)
    fresh = login_client(person)

    theirs = DeclarationFactory(partner=Membership.objects.get(user=person, brand=other_brand).partner)

    assert fresh.get(reverse("sellout:declaration_edit", args=[theirs.pk])).status_code == 404
    assert phone.get(reverse("sellout:declaration_edit", args=[theirs.pk])).status_code == 200


def test_a_membership_removed_since_the_switch_falls_back_to_the_login_rows_brand(
    person, partner, other_brand
):
    phone = login_client(person)
    switch(phone, person, other_brand)
    theirs = DeclarationFactory(partner=Membership.objects.get(user=person, brand=other_brand).partner)

    Membership.objects.filter(user=person, brand=other_brand).delete()

    assert phone.get(reverse("sellout:declaration_edit", args=[theirs.pk])).status_code == 404
    assert ACTIVE_MEMBERSHIP_SESSION_KEY not in phone.session


def test_another_persons_membership_is_a_404_and_switches_nothing(person, partner, other_brand):
    someone = user_create(
        email="autre@globex.test", role=Role.PARTNER_SELLER, partner=PartnerFactory(brand=other_brand)
    )
    client = login_client(person)

    response = client.post(
        reverse("accounts:membership_switch"), {"membership": Membership.objects.get(user=someone).pk}
    )

    assert response.status_code == 404
    assert ACTIVE_MEMBERSHIP_SESSION_KEY not in client.session

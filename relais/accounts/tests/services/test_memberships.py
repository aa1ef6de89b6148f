"""One person, several brands: memberships, the switch, and an invitation to a login that already exists."""

from __future__ import annotations

import pytest

from relais.accounts.memberships import membership_add, membership_apply, membership_get, memberships_of
from relais.accounts.models import Membership, Role
from relais.accounts.selectors import users_of_partner
from relais.accounts.services import invitation_send, user_create
from relais.core.errors import ApplicationError
from relais.network.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_a_new_user_gets_the_membership_of_its_brand(partner):
    user = user_create(email="Vendeur@Martin.test", role=Role.PARTNER_SELLER, partner=partner)

    [membership] = memberships_of(user=user)
    assert (membership.brand, membership.partner, membership.role) == (
        partner.brand,
        partner,
        Role.PARTNER_SELLER,
    )


def test_inviting_an_existing_login_of_another_brand_adds_a_membership(brand_admin, other_brand):
    theirs = PartnerFactory(brand=other_brand, code="G001", name="Globex Outils")
    person = user_create(email="jeanne@multi.test", role=Role.PARTNER_ADMIN, partner=theirs)
    ours = PartnerFactory(brand=brand_admin.brand, code="A777", name="Outils Jeanne")

    invitation = invitation_send(
        invited_by=brand_admin, email="jeanne@multi.test", role=Role.PARTNER_ADMIN, partner=ours
    )

    assert invitation is None  # no second login: the same person, one more membership
    assert {(m.brand_id, m.partner_id) for m in memberships_of(user=person)} == {
        (other_brand.pk, theirs.pk),
        (brand_admin.brand_id, ours.pk),
    }
    person.refresh_from_db()
    assert person.brand == other_brand  # still working where it was until it switches
    assert list(users_of_partner(partner=ours)) == [person]


def test_switching_lays_the_membership_over_the_login_without_saving_it(partner, other_brand):
    person = user_create(email="jeanne@multi.test", role=Role.PARTNER_ADMIN, partner=partner)
    theirs = PartnerFactory(brand=other_brand, code="G001")
    membership = membership_add(user=person, brand=other_brand, role=Role.PARTNER_SELLER, partner=theirs)

    switched = membership_apply(
        user=person, membership=membership_get(user=person, membership_id=membership.pk)
    )

    assert (switched.brand, switched.partner, switched.role) == (other_brand, theirs, Role.PARTNER_SELLER)
    person.refresh_from_db()  # the row keeps the login's own brand: other sessions are not switched
    assert (person.brand_id, person.partner_id, person.role) == (
        partner.brand_id,
        partner.pk,
        Role.PARTNER_ADMIN,
    )


def test_another_persons_membership_cannot_be_activated(partner, partner_admin, other_brand):
    someone = user_create(
        email="autre@globex.test", role=Role.PARTNER_ADMIN, partner=PartnerFactory(brand=other_brand)
    )
    theirs = Membership.objects.get(user=someone)

    with pytest.raises(ApplicationError):
        membership_get(user=partner_admin, membership_id=theirs.pk)
    partner_admin.refresh_from_db()
    assert partner_admin.brand_id == partner.brand_id


def test_a_partner_role_needs_a_partner_of_that_brand(partner_admin, other_brand, partner):
    with pytest.raises(ApplicationError):
        membership_add(user=partner_admin, brand=other_brand, role=Role.PARTNER_ADMIN, partner=partner)

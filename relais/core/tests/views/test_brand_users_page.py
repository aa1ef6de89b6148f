"""The brand's users page lists its people through their memberships of this brand."""

from __future__ import annotations

import pytest

from conftest import login_client
from relais.accounts.memberships import membership_add
from relais.accounts.models import Role
from relais.accounts.selectors import brand_people
from relais.accounts.services import user_create
from relais.network.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def multi_brand_people(brand, other_brand, partner):
    """A Globex partner admin also sells at our partner; a Globex admin also manages our channel."""
    globex = PartnerFactory(brand=other_brand, code="G001", name="Globex Outils")
    jeanne = user_create(email="jeanne@globex.test", role=Role.PARTNER_ADMIN, partner=globex)
    membership_add(user=jeanne, brand=brand, role=Role.PARTNER_SELLER, partner=partner)
    paul = user_create(email="paul@globex.test", role=Role.BRAND_ADMIN, brand=other_brand)
    membership_add(user=paul, brand=brand, role=Role.CHANNEL_MANAGER)
    stranger = user_create(email="other@globex.test", role=Role.PARTNER_ADMIN, partner=globex)
    return jeanne, paul, stranger


def test_the_brand_lists_its_staff_and_partner_users_through_memberships(
    brand, brand_admin, channel_manager, partner, partner_admin, multi_brand_people
):
    _jeanne, _paul, _stranger = multi_brand_people

    people = {p.user.email: (p.role, p.partner) for p in brand_people(brand=brand)}

    assert people == {
        brand_admin.email: (Role.BRAND_ADMIN, None),
        channel_manager.email: (Role.CHANNEL_MANAGER, None),
        "paul@globex.test": (Role.CHANNEL_MANAGER, None),  # its role here, not its login's
        partner_admin.email: (Role.PARTNER_ADMIN, partner),
        "jeanne@globex.test": (Role.PARTNER_SELLER, partner),
    }
    # Staff first, then the partners' users.
    assert [p.is_staff for p in brand_people(brand=brand)] == [True, True, True, False, False]


def test_the_users_page_shows_each_person_with_its_role_in_this_brand_only(
    brand, brand_admin, partner, multi_brand_people
):
    jeanne, _paul, _stranger = multi_brand_people

    page = login_client(brand_admin).get("/brand/users/")

    assert page.status_code == 200
    body = page.content.decode()
    assert "jeanne@globex.test" in body and "paul@globex.test" in body and partner.name in body
    assert "other@globex.test" not in body  # another brand's person with no membership here
    assert "Globex Outils" not in body  # nor the person's relationship with the other brand
    row = body[body.index(f'data-testid="brand-person-{jeanne.pk}"') :].split("</tr>")[0]
    assert "Partner seller" in row and f"/brand/users/{jeanne.pk}/active/" not in row

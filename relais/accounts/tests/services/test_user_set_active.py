import pytest

from relais.accounts.models import Role
from relais.accounts.services import user_set_active
from relais.accounts.tests.factories import UserFactory, partner_user
from relais.core.errors import ApplicationError
from relais.network.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_brand_staff_switch_any_partner_user_of_their_brand(channel_manager, partner_admin):
    user_set_active(user=partner_admin, by=channel_manager, is_active=False)
    partner_admin.refresh_from_db()
    assert not partner_admin.is_active
    user_set_active(user=partner_admin, by=channel_manager, is_active=True)
    partner_admin.refresh_from_db()
    assert partner_admin.is_active


def test_partner_admin_switches_their_sellers_only(partner_admin, partner_seller, partner):
    user_set_active(user=partner_seller, by=partner_admin, is_active=False)
    assert not partner_seller.is_active
    co_admin = partner_user(partner, role=Role.PARTNER_ADMIN)
    other_seller = partner_user(PartnerFactory(brand=partner.brand), role=Role.PARTNER_SELLER)
    for target in (co_admin, other_seller, partner_admin):
        with pytest.raises(ApplicationError):
            user_set_active(user=target, by=partner_admin, is_active=False)


def test_nobody_touches_brand_users_or_another_brand(
    brand_admin, channel_manager, partner_seller, other_brand
):
    with pytest.raises(ApplicationError):
        user_set_active(user=channel_manager, by=brand_admin, is_active=False)
    with pytest.raises(ApplicationError):
        user_set_active(
            user=partner_seller, by=UserFactory(role=Role.BRAND_ADMIN, brand=other_brand), is_active=False
        )
    with pytest.raises(ApplicationError):
        user_set_active(user=partner_seller, by=partner_seller, is_active=False)

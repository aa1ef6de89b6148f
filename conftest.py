"""Fixtures shared by every app's tests: a brand with one user per role, and a second brand to isolate from."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from relais.accounts.models import Role
from relais.accounts.tests.factories import PASSWORD, UserFactory, partner_user
from relais.core.tests.factories import BrandFactory
from relais.network.tests.factories import PartnerFactory


@pytest.fixture(autouse=True)
def _default_language():
    # A request handled in-process (test Client, login of a user with a preferred language) can leave a
    # language active in this thread; reset it so English assertions in later tests stay true.
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The login throttle counts failures per IP in the cache: every test starts from an empty one.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def brand(db):
    return BrandFactory(slug="acme", name="Acme Outillage")


@pytest.fixture
def other_brand(db):
    return BrandFactory(slug="globex", name="Globex")


@pytest.fixture
def brand_admin(brand):
    return UserFactory(email="admin@acme.test", role=Role.BRAND_ADMIN, brand=brand)


@pytest.fixture
def channel_manager(brand):
    return UserFactory(email="manager@acme.test", role=Role.CHANNEL_MANAGER, brand=brand)


@pytest.fixture
def partner(brand):
    return PartnerFactory(brand=brand, code="R001", name="Quincaillerie Martin")


@pytest.fixture
def other_partner(brand):
    return PartnerFactory(brand=brand, code="R002", name="Bricolage Dupont")


@pytest.fixture
def partner_admin(partner):
    return partner_user(partner, email="owner@martin.test", role=Role.PARTNER_ADMIN)


@pytest.fixture
def partner_seller(partner):
    return partner_user(partner, email="seller@martin.test", role=Role.PARTNER_SELLER)


@pytest.fixture
def operator(db):
    return UserFactory(
        email="ops@relais.test", role=Role.OPERATOR, brand=None, is_staff=True, is_superuser=True
    )


def login_client(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def admin_client_brand(brand_admin):
    return login_client(brand_admin)


@pytest.fixture
def partner_client(partner_admin):
    return login_client(partner_admin)

"""A distributor with two resellers, a partner of the same brand it does not distribute, and a catalogue."""

from __future__ import annotations

import pytest

from relais.accounts.models import Role
from relais.accounts.tests.factories import partner_user
from relais.network.tests.factories import PartnerFactory
from relais.sellout.tests.factories import catalogue


@pytest.fixture
def distributor(brand):
    return PartnerFactory(
        brand=brand, code="D001", name="Distri Ouest", kind="distributor", is_distributor=True
    )


@pytest.fixture
def reseller(distributor):
    return PartnerFactory(
        brand=distributor.brand, code="R101", name="Quincaillerie Lebrun", parent=distributor
    )


@pytest.fixture
def second_reseller(distributor):
    return PartnerFactory(brand=distributor.brand, code="R102", name="Outils Moreau", parent=distributor)


@pytest.fixture
def stranger(brand):
    """A partner of the same brand that the distributor does not distribute."""
    return PartnerFactory(brand=brand, code="R900", name="Brico Sud")


@pytest.fixture
def products(brand):
    return catalogue(brand, count=3)


@pytest.fixture
def distributor_admin(distributor):
    return partner_user(distributor, email="admin@distri-ouest.test", role=Role.PARTNER_ADMIN)


@pytest.fixture
def reseller_admin(reseller):
    return partner_user(reseller, email="admin@lebrun.test", role=Role.PARTNER_ADMIN)

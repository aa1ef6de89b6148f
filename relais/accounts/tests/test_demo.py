"""The demo logins: one account per login, the password they are printed with, written once."""

from __future__ import annotations

import pytest

from relais.accounts.demo import DEMO_PASSWORD, demo_logins, logins_table, users_load
from relais.accounts.models import User
from relais.network.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_every_printed_login_is_an_account_with_the_demo_password(brand, other_brand):
    named = {
        "martin": PartnerFactory(brand=brand, country="FR"),
        "schneider": PartnerFactory(brand=brand),
        "distributor": PartnerFactory(brand=brand, kind="distributor", is_distributor=True),
    }

    users_load(lumen=brand, boreal=other_brand, named=named)
    users_load(lumen=brand, boreal=other_brand, named=named)  # again: nothing more

    logins = demo_logins()
    assert User.objects.count() == len(logins)
    for login in logins:
        assert User.objects.get(email=login.email).check_password(DEMO_PASSWORD), login.email
    assert User.objects.get(email="owner@martin.demo").preferred_language == "fr"
    table = logins_table(logins)
    assert all(login.email in table for login in logins) and DEMO_PASSWORD in table


def test_no_demo_login_promises_settings_that_do_not_exist_yet():
    # The brand's settings pages come with the self-service work; until then no login may promise them.
    assert all("setting" not in login.sees.lower() for login in demo_logins())

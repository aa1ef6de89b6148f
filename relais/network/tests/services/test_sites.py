import pytest

from relais.core.errors import ApplicationError
from relais.network.services import site_create, site_update

pytestmark = pytest.mark.django_db


def test_first_site_is_main_and_a_new_main_site_takes_over(partner):
    first = site_create(partner=partner, name="Shop", city="Paris")
    assert first.is_main
    assert first.country == "FR"
    second = site_create(partner=partner, name="Warehouse", is_main=True, gln="4012345000009")
    first.refresh_from_db()
    assert second.is_main and not first.is_main
    assert second.brand_id == partner.brand_id


def test_invalid_gln_and_country_are_refused(partner):
    with pytest.raises(ApplicationError):
        site_create(partner=partner, name="Shop", gln="4012345000008")
    site = site_create(partner=partner, name="Shop")
    with pytest.raises(ApplicationError):
        site_update(site=site, country="ZZ")
    with pytest.raises(ApplicationError):
        site_update(site=site, name=" ")


def test_update_changes_the_address(partner):
    site = site_create(partner=partner, name="Shop")
    site_update(site=site, address="1 rue de la Paix", postcode="75002", city="Paris")
    site.refresh_from_db()
    assert (site.address, site.postcode) == ("1 rue de la Paix", "75002")

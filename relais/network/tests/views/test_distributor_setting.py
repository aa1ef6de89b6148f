"""The brand marks a partner as a distributor from its partner pages (create and edit), and picks a reseller's
parent among its distributors only; the write goes through the network services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import login_client
from relais.network.models import PartnerCompany, PartnerKind
from relais.network.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

EDIT = {
    "name": "Distri Ouest",
    "kind": "distributor",
    "organisation": "multi_brand",
    "channel": "direct",
    "country": "FR",
    "potential_tier": "medium",
    "is_active": "on",
}
CREATE = {
    "code": "N300",
    "name": "Outils de Loire",
    "kind": "reseller",
    "organisation": "multi_brand",
    "channel": "retail",
    "country": "FR",
    "city": "Nantes",
}


def _parent_choices(response) -> set[str]:
    return {str(value) for value, _label in response.context["form"].fields["parent"].choices if value}


def test_the_brand_marks_a_partner_as_distributor_and_unmarks_it(brand, brand_admin):
    # Given a distributor by kind that the brand has not marked yet
    distributor = PartnerFactory(brand=brand, code="D001", kind=PartnerKind.DISTRIBUTOR)
    client = login_client(brand_admin)
    url = reverse("network:partner_edit", args=[distributor.pk])
    assert 'name="is_distributor"' in client.get(url).content.decode()

    # When the brand ticks "Distributor"
    response = client.post(url, {**EDIT, "is_distributor": "on"})

    # Then it is one, and its page says so
    assert response.status_code == 302
    distributor.refresh_from_db()
    assert distributor.is_distributor
    page = client.get(reverse("network:partner_detail", args=[distributor.pk])).content.decode()
    assert "declares on their behalf" in page

    # And unticking it takes the role back
    assert client.post(url, EDIT).status_code == 302
    distributor.refresh_from_db()
    assert not distributor.is_distributor


def test_the_parent_is_chosen_among_the_brands_distributors_only(brand, other_brand, brand_admin):
    marked = PartnerFactory(brand=brand, code="D001", kind=PartnerKind.DISTRIBUTOR, is_distributor=True)
    unmarked = PartnerFactory(brand=brand, code="D002", kind=PartnerKind.DISTRIBUTOR)
    elsewhere = PartnerFactory(brand=other_brand, code="D003", is_distributor=True)
    reseller = PartnerFactory(brand=brand, code="R100")
    client = login_client(brand_admin)
    url = reverse("network:partner_edit", args=[reseller.pk])

    assert _parent_choices(client.get(url)) == {str(marked.pk)}
    assert _parent_choices(client.get(reverse("network:partner_create"))) == {marked.code}

    # A partner that is not one of the brand's distributors is refused as a parent
    for other in (unmarked, elsewhere):
        response = client.post(url, {**EDIT, "kind": "reseller", "parent": other.pk})
        assert response.status_code == 200 and "parent" in response.context["form"].errors
    assert client.post(url, {**EDIT, "kind": "reseller", "parent": marked.pk}).status_code == 302
    reseller.refresh_from_db()
    assert reseller.parent == marked


def test_a_parent_set_by_the_partner_file_stays_selectable(brand, brand_admin):
    # The partner file may name any partner as the parent: editing the child must not lose it.
    wholesaler = PartnerFactory(brand=brand, code="W001", kind=PartnerKind.WHOLESALER)
    reseller = PartnerFactory(brand=brand, code="R100", parent=wholesaler)
    client = login_client(brand_admin)
    url = reverse("network:partner_edit", args=[reseller.pk])

    assert _parent_choices(client.get(url)) == {str(wholesaler.pk)}
    assert client.post(url, {**EDIT, "kind": "reseller", "parent": wholesaler.pk}).status_code == 302
    reseller.refresh_from_db()
    assert reseller.parent == wholesaler


def test_a_partner_created_as_distributor_with_a_reseller_under_it(brand, brand_admin):
    client = login_client(brand_admin)
    response = client.post(
        reverse("network:partner_create"),
        {**CREATE, "code": "D100", "name": "Distri Loire", "kind": "distributor", "is_distributor": "on"},
    )
    assert response.status_code == 302
    distributor = PartnerCompany.objects.get(brand=brand, code="D100")
    assert distributor.is_distributor

    response = client.post(reverse("network:partner_create"), {**CREATE, "parent": "D100"})
    assert response.status_code == 302
    reseller = PartnerCompany.objects.get(brand=brand, code="N300")
    assert reseller.parent == distributor and not reseller.is_distributor

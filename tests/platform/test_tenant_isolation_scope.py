"""Who sees what: a channel manager's scope, a distributor over its resellers only, a person in two brands.

A channel manager scoped to France (``ChannelScope``, set by the brand admin) opens each object URL of a French
partner (the control) and gets 404 on the same URLs of a Belgian partner; the brand's lists and the review
queue leave the Belgian partner out; a bulk review cannot reach its lines. The brand admin sees both. A
distributor reaches its resellers' sell-out through its own pages only: another partner's import, the
portal pages of its reseller's declarations, and partners it does not distribute stay out of reach. A person
with memberships in two brands reaches each brand's objects only while that membership is the active one.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import reverse

from conftest import login_client
from relais.accounts.memberships import membership_add
from relais.accounts.models import Membership, Role
from relais.accounts.scopes import brand_user_scope_set
from relais.accounts.services import user_create
from relais.accounts.tests.factories import PASSWORD, partner_user
from relais.core.errors import ApplicationError
from relais.network.tests.factories import PartnerFactory, SegmentFactory, SegmentMembershipFactory
from relais.sellout.models import DeclarationLine
from relais.sellout.services import declaration_create, declaration_lines_add, declaration_submit
from relais.sellout.tests.factories import catalogue

pytestmark = pytest.mark.django_db


def partner_with_sales(brand, *, code: str, name: str, country: str, products, **fields) -> SimpleNamespace:
    """A partner of ``country`` with a submitted declaration holding one flagged line (a price far off)."""
    partner = PartnerFactory(brand=brand, code=code, name=name, country=country, **fields)
    declaration = declaration_create(
        partner=partner, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), source="form"
    )
    declaration_lines_add(
        declaration=declaration,
        rows=[
            {"gtin": products[0].gtin, "quantity": "1", "unit_price": "20", "sale_date": "2026-10-02"},
            {"gtin": products[0].gtin, "quantity": "1", "unit_price": "200", "sale_date": "2026-10-03"},
        ],
    )
    declaration_submit(declaration=declaration)
    flagged = DeclarationLine.objects.get(declaration=declaration, status="flagged")
    return SimpleNamespace(partner=partner, declaration=declaration, flagged=flagged)


@pytest.fixture
def network(brand, brand_admin, channel_manager):
    products = catalogue(brand, count=2)
    french = partner_with_sales(
        brand, code="FR01", name="Quincaillerie Lyonnaise", country="FR", products=products
    )
    belgian = partner_with_sales(brand, code="BE01", name="Brico Bruxelles", country="BE", products=products)
    brand_user_scope_set(user=channel_manager, countries=["fr"], segment_ids=[], by=brand_admin)
    return SimpleNamespace(french=french, belgian=belgian, products=products)


def object_urls(company: SimpleNamespace) -> list[str]:
    pk = company.partner.pk
    return [
        reverse("network:partner_detail", args=[pk]),
        reverse("insights:partner_detail", args=[pk]),
        reverse("sellout:partner_quality", args=[pk]),
        reverse("sellout:brand_declaration_detail", args=[company.declaration.pk]),
    ]


def test_a_channel_manager_scoped_to_france_opens_french_partners_only(network, channel_manager):
    client = login_client(channel_manager)

    for url in object_urls(network.french):
        assert client.get(url).status_code == 200, url
    for url in object_urls(network.belgian):
        assert client.get(url).status_code == 404, url


def test_the_brand_admin_sees_every_partner(network, brand_admin):
    client = login_client(brand_admin)

    for url in object_urls(network.french) + object_urls(network.belgian):
        assert client.get(url).status_code == 200, url


def test_the_lists_of_a_scoped_channel_manager_leave_other_countries_out(network, channel_manager):
    client = login_client(channel_manager)

    for name in ("network:partner_list", "sellout:brand_declaration_list", "sellout:brand_review_queue"):
        page = client.get(reverse(name)).content.decode()
        assert "Quincaillerie Lyonnaise" in page, name
        assert "Brico Bruxelles" not in page, name


def test_a_scoped_channel_manager_cannot_review_a_line_out_of_scope(network, channel_manager):
    client = login_client(channel_manager)
    foreign_line = network.belgian.flagged

    single = client.post(reverse("sellout:brand_line_review", args=[foreign_line.pk]), {"decision": "reject"})
    client.post(
        reverse("sellout:brand_review_bulk"),
        {"line": [foreign_line.pk], "decision": "reject", "reason": "other"},
    )

    assert single.status_code == 404
    foreign_line.refresh_from_db()
    assert foreign_line.status == "flagged"


def test_a_scope_by_segment_narrows_the_country(network, brand, brand_admin, channel_manager):
    segment = SegmentFactory(brand=brand)
    SegmentMembershipFactory(segment=segment, partner=network.belgian.partner)
    brand_user_scope_set(user=channel_manager, countries=[], segment_ids=[segment.pk], by=brand_admin)
    client = login_client(channel_manager)

    assert client.get(object_urls(network.belgian)[0]).status_code == 200
    assert client.get(object_urls(network.french)[0]).status_code == 404


def test_only_the_brand_admin_sets_a_scope_and_on_its_own_brand(
    network, brand_admin, channel_manager, other_brand
):
    other_segment = SegmentFactory(brand=other_brand)
    with pytest.raises(ApplicationError, match="Only a brand admin"):
        brand_user_scope_set(user=channel_manager, countries=["FR"], segment_ids=[], by=channel_manager)
    with pytest.raises(ApplicationError, match="Segments"):
        brand_user_scope_set(
            user=channel_manager, countries=[], segment_ids=[other_segment.pk], by=brand_admin
        )
    with pytest.raises(ApplicationError, match="Countries"):
        brand_user_scope_set(user=channel_manager, countries=["France"], segment_ids=[], by=brand_admin)


# --- A distributor over its resellers only -------------------------------------------------------------------


@pytest.fixture
def hierarchy(brand, network):
    distributor = PartnerFactory(brand=brand, code="D001", name="Distri Ouest", is_distributor=True)
    reseller = partner_with_sales(
        brand, code="R101", name="Outils Moreau", country="FR", products=network.products, parent=distributor
    )
    return SimpleNamespace(
        distributor=distributor,
        admin=partner_user(distributor, email="admin@distri.test", role=Role.PARTNER_ADMIN),
        reseller=reseller,
    )


def test_a_distributor_sees_its_resellers_and_no_other_partner(hierarchy, network):
    client = login_client(hierarchy.admin)

    page = client.get(reverse("sellout:distributor_resellers")).content.decode()

    assert "Outils Moreau" in page
    assert "Quincaillerie Lyonnaise" not in page and "Brico Bruxelles" not in page


def test_a_distributor_does_not_reach_its_resellers_objects_through_the_partner_pages(hierarchy):
    client = login_client(hierarchy.admin)
    reseller = hierarchy.reseller

    assert client.get(reverse("sellout:declaration_edit", args=[reseller.declaration.pk])).status_code == 404
    assert client.get(reverse("network:partner_detail", args=[reseller.partner.pk])).status_code == 404


def test_a_distributor_cannot_declare_for_a_partner_it_does_not_distribute(hierarchy, network):
    client = login_client(hierarchy.admin)
    data = {
        "reseller": network.belgian.partner.pk,
        "period_start": "2026-10-01",
        "period_end": "2026-10-31",
        "line-TOTAL_FORMS": "1",
        "line-INITIAL_FORMS": "0",
        "line-0-gtin": network.products[1].gtin,
        "line-0-sale_date": "2026-10-12",
        "line-0-quantity": "3",
        "line-0-amount": "54.00",
    }

    response = client.post(reverse("sellout:distributor_declare"), data)

    assert response.status_code == 200
    assert not DeclarationLine.objects.filter(
        partner=network.belgian.partner, product=network.products[1]
    ).exists()


# --- One person in two brands -----------------------------------------------------------------------------


def test_a_person_in_two_brands_reaches_each_only_through_its_active_membership(network, other_brand):
    person = user_create(
        email="jeanne@multi.test", role=Role.PARTNER_ADMIN, partner=network.french.partner, password=PASSWORD
    )
    theirs = partner_with_sales(
        other_brand, code="G001", name="Globex Outils", country="FR", products=catalogue(other_brand, count=1)
    )
    membership_b = membership_add(
        user=person, brand=other_brand, role=Role.PARTNER_ADMIN, partner=theirs.partner
    )
    client = login_client(person)
    ours_url = reverse("sellout:declaration_edit", args=[network.french.declaration.pk])
    theirs_url = reverse("sellout:declaration_edit", args=[theirs.declaration.pk])

    assert client.get(ours_url).status_code == 200
    assert client.get(theirs_url).status_code == 404
    assert b'data-testid="brand-switcher"' in client.get(reverse("sellout:my_declarations")).content

    assert (
        client.post(reverse("accounts:membership_switch"), {"membership": membership_b.pk}).status_code == 302
    )

    assert client.get(theirs_url).status_code == 200
    assert client.get(ours_url).status_code == 404
    # Another person's membership is not a door: switching to it is a 404.
    someone = user_create(email="autre@globex.test", role=Role.PARTNER_SELLER, partner=theirs.partner)
    stranger = Membership.objects.get(user=someone)
    assert client.post(reverse("accounts:membership_switch"), {"membership": stranger.pk}).status_code == 404

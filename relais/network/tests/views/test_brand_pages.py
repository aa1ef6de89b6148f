import pytest
from django.urls import reverse

from conftest import login_client
from relais.accounts.tests.factories import partner_user
from relais.network.models import PartnerKind
from relais.network.services import segment_create
from relais.network.tests.factories import PartnerFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["brand_admin", "channel_manager"])
def staff_client(request):
    return login_client(request.getfixturevalue(request.param))


@pytest.fixture(params=["partner_admin", "partner_seller"])
def partner_side_client(request):
    return login_client(request.getfixturevalue(request.param))


BRAND_PAGES = ["network:brand_home", "network:partner_list", "network:segment_list", "network:segment_create"]


@pytest.mark.parametrize("name", BRAND_PAGES)
def test_brand_pages_open_for_brand_staff(staff_client, partner, name):
    assert staff_client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", BRAND_PAGES)
def test_brand_pages_are_forbidden_to_partner_users(partner_side_client, name):
    assert partner_side_client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", BRAND_PAGES)
def test_brand_pages_send_anonymous_users_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_brand_home_shows_the_kpis(staff_client, brand):
    PartnerFactory(brand=brand, kind=PartnerKind.DISTRIBUTOR, country="BE")
    PartnerFactory(brand=brand, kind=PartnerKind.RESELLER, country="FR", is_active=False)
    PartnerFactory(brand=brand, kind=PartnerKind.RESELLER, country="FR")
    segment_create(brand=brand, name="Resellers", rules={"kind": ["reseller"]})
    response = staff_client.get(reverse("network:brand_home"))
    assert response.context["partner_count"] == 3
    assert response.context["active_count"] == 2
    assert response.context["segment_count"] == 1
    assert [(r["code"], r["n"]) for r in response.context["by_kind"]] == [("reseller", 2), ("distributor", 1)]
    html = response.content.decode()
    assert 'data-testid="kpi-partners">3<' in html
    assert "?kind=reseller" in html


def test_partner_list_filters_counts_and_paginates(staff_client, brand):
    for i in range(30):
        PartnerFactory(brand=brand, name=f"Shop {i:02d}", country="FR" if i % 3 else "BE")
    response = staff_client.get(reverse("network:partner_list"))
    assert response.context["total"] == 30
    assert len(response.context["page"].object_list) == 25
    response = staff_client.get(reverse("network:partner_list"), {"country": "BE", "page": 1})
    assert response.context["total"] == 10
    assert "10 partners" in response.content.decode()


def test_partner_list_returns_only_the_table_to_htmx(staff_client, brand):
    PartnerFactory(brand=brand, name="Alpha")
    response = staff_client.get(
        reverse("network:partner_list"),
        {"q": "alp"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="partner-results",
    )
    html = response.content.decode()
    assert "Alpha" in html
    assert "<html" not in html
    assert 'data-testid="partner-table"' in html


def test_partner_list_query_count_is_flat(staff_client, brand, django_assert_max_num_queries):
    distributor = PartnerFactory(brand=brand, kind=PartnerKind.DISTRIBUTOR)
    PartnerFactory.create_batch(5, brand=brand, parent=distributor)
    with django_assert_max_num_queries(14) as small:
        staff_client.get(reverse("network:partner_list"))
    PartnerFactory.create_batch(30, brand=brand, parent=PartnerFactory(brand=brand, kind="distributor"))
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = staff_client.get(reverse("network:partner_list"))
    assert response.status_code == 200


def test_partner_detail_shows_identity_network_sites_users_and_segments(staff_client, brand):
    distributor = PartnerFactory(brand=brand, name="Big Distrib", kind=PartnerKind.DISTRIBUTOR)
    partner = PartnerFactory(brand=brand, name="Shop", parent=distributor, siret="73282932000074")
    child = PartnerFactory(brand=brand, name="Sub shop", parent=partner)
    SiteFactory(partner=partner, name="Main shop", gln="4012345000009")
    partner_user(partner, email="boss@shop.test")
    segment_create(brand=brand, name="Everyone", rules={})
    html = staff_client.get(reverse("network:partner_detail", args=[partner.pk])).content.decode()
    for text in [
        "Big Distrib",
        child.name,
        "Main shop",
        "4012345000009",
        "boss@shop.test",
        "Everyone",
        "73282932000074",
    ]:
        assert text in html
    assert 'data-testid="invite-form"' in html


def test_partner_detail_sends_partner_users_to_their_portal(partner_client, partner):
    response = partner_client.get(reverse("network:partner_detail", args=[partner.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("network:portal_home")


def test_partner_edit_saves_through_the_service(staff_client, partner):
    url = reverse("network:partner_edit", args=[partner.pk])
    assert staff_client.get(url).status_code == 200
    data = {
        "name": "Martin & fils",
        "kind": "reseller",
        "organisation": "multi_brand",
        "channel": "retail",
        "country": "FR",
        "potential_tier": "high",
        "siret": "73282932000074",
        "is_active": "on",
    }
    response = staff_client.post(url, data)
    assert response.status_code == 302
    partner.refresh_from_db()
    assert (partner.name, partner.potential_tier, partner.siren) == ("Martin & fils", "high", "732829320")
    response = staff_client.post(url, {**data, "siret": "12345678901234"})
    assert response.status_code == 200
    assert "SIRET" in response.content.decode()


def test_site_create_and_edit(staff_client, partner):
    response = staff_client.post(
        reverse("network:site_create", args=[partner.pk]), {"name": "Depot", "country": "FR", "city": "Lille"}
    )
    assert response.status_code == 302
    site = partner.sites.get()
    response = staff_client.post(
        reverse("network:site_edit", args=[partner.pk, site.pk]),
        {"name": "Depot Nord", "country": "FR", "gln": "123"},
    )
    assert response.status_code == 200
    assert "GLN" in response.content.decode()
    site.refresh_from_db()
    assert site.name == "Depot"


def test_secondary_filters_fold_unless_one_is_used(staff_client, brand):
    url = reverse("network:partner_list")
    assert '<details class="more-filters">' in staff_client.get(url, {"country": "FR"}).content.decode()
    assert '<details class="more-filters" open>' in staff_client.get(url, {"channel": "web"}).content.decode()


def test_partner_detail_query_count_is_flat(staff_client, brand, django_assert_max_num_queries):
    partner = PartnerFactory(brand=brand, parent=PartnerFactory(brand=brand, kind=PartnerKind.DISTRIBUTOR))
    SiteFactory(partner=partner)
    partner_user(partner)
    segment_create(brand=brand, name="S0", rules={})
    url = reverse("network:partner_detail", args=[partner.pk])
    with django_assert_max_num_queries(14) as small:
        staff_client.get(url)
    for i in range(1, 6):
        SiteFactory(partner=partner, is_main=False)
        partner_user(partner)
        PartnerFactory(brand=brand, parent=partner)
        segment_create(brand=brand, name=f"S{i}", rules={})
    with django_assert_max_num_queries(len(small.captured_queries)):
        staff_client.get(url)

import pytest
from django.urls import reverse

from conftest import login_client
from relais.network.portal import _SECTIONS, portal_section_register
from relais.network.tests.factories import SiteFactory

pytestmark = pytest.mark.django_db


def test_partner_admin_sees_company_sites_team_and_invite_form(partner_admin, partner_seller, partner):
    SiteFactory(partner=partner, name="Boutique centre")
    html = login_client(partner_admin).get(reverse("network:portal_home")).content.decode()
    assert f'<h1 data-testid="portal-home">{partner.name}</h1>' in html
    assert "Boutique centre" in html
    assert partner_seller.display_name in html
    assert 'data-testid="invite-form"' in html
    assert 'value="partner_admin"' not in html  # partner admins invite sellers only
    assert '<input type="hidden" name="role" value="partner_seller"' in html


def test_seller_sees_no_invite_form(partner_seller):
    html = login_client(partner_seller).get(reverse("network:portal_home")).content.decode()
    assert 'data-testid="portal-home"' in html
    assert 'data-testid="invite-form"' not in html


@pytest.mark.parametrize("role", ["brand_admin", "channel_manager", "operator"])
def test_portal_is_forbidden_to_non_partner_users(request, role):
    assert login_client(request.getfixturevalue(role)).get(reverse("network:portal_home")).status_code == 403


def test_registered_sections_are_included_with_their_context(partner_admin, tmp_path, settings):
    (tmp_path / "section.html").write_text(
        '<section data-testid="x">{{ section.points }} pts for {{ partner.code }}</section>'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    portal_section_register(
        key="test-points", template="section.html", context=lambda request, partner: {"points": 42}
    )
    try:
        html = login_client(partner_admin).get(reverse("network:portal_home")).content.decode()
    finally:
        _SECTIONS.pop("test-points")
    assert '<section data-testid="x">42 pts for R001</section>' in html


def test_partner_admin_adds_and_edits_own_sites(partner_admin, partner):
    client = login_client(partner_admin)
    response = client.post(
        reverse("network:portal_site_create"), {"name": "Dépôt", "country": "FR", "city": "Lille"}
    )
    assert response["Location"] == reverse("network:portal_home")
    site = partner.sites.get()
    assert site.is_main
    url = reverse("network:portal_site_edit", args=[site.pk])
    assert "Dépôt" in client.get(url).content.decode()
    client.post(url, {"name": "Dépôt Nord", "country": "FR", "gln": "4012345000009"})
    site.refresh_from_db()
    assert (site.name, site.gln) == ("Dépôt Nord", "4012345000009")
    assert "Dépôt Nord" in client.get(reverse("network:portal_home")).content.decode()


def test_sellers_cannot_edit_sites(partner_seller, partner):
    site = SiteFactory(partner=partner)
    client = login_client(partner_seller)
    assert client.get(reverse("network:portal_site_create")).status_code == 403
    assert client.get(reverse("network:portal_site_edit", args=[site.pk])).status_code == 403
    assert (
        reverse("network:portal_site_edit", args=[site.pk])
        not in client.get(reverse("network:portal_home")).content.decode()
    )

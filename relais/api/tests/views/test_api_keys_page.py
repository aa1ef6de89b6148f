import pytest
from django.urls import reverse

from conftest import login_client
from relais.api.auth import api_key_from_text
from relais.api.models import ApiKey
from relais.api.services import api_key_create


def test_partner_admin_creates_a_key_shown_once(partner_admin):
    client = login_client(partner_admin)

    response = client.post(reverse("apikeys:list"), {"name": "ERP export"})

    assert response.status_code == 200
    text = response.context["new_key_text"]
    assert text and text in response.content.decode()
    api_key = api_key_from_text(text)
    assert api_key is not None and api_key.name == "ERP export"
    assert response["Cache-Control"] == "no-store"
    listing = client.get(reverse("apikeys:list")).content.decode()
    assert "ERP export" in listing
    assert text not in listing
    assert f"rk_{ApiKey.objects.get().prefix}_" in listing


def test_partner_admin_revokes_a_key(partner_admin, partner):
    api_key, text = api_key_create(partner=partner, name="ERP")
    client = login_client(partner_admin)

    response = client.post(reverse("apikeys:revoke", args=[api_key.pk]))

    assert response.status_code == 302
    assert api_key_from_text(text) is None


def test_other_partners_key_cannot_be_revoked(partner_admin, other_partner):
    api_key, text = api_key_create(partner=other_partner, name="theirs")
    response = login_client(partner_admin).post(reverse("apikeys:revoke", args=[api_key.pk]))
    assert response.status_code == 404
    assert api_key_from_text(text) is not None


@pytest.mark.parametrize("user_fixture", ["partner_seller", "brand_admin"])
def test_only_partner_admins_reach_the_page(request, user_fixture):
    user = request.getfixturevalue(user_fixture)
    assert login_client(user).get(reverse("apikeys:list")).status_code == 403


def test_nav_links_to_api_keys_for_partner_admins_only(partner_admin, partner_seller):
    url = reverse("apikeys:list")
    assert (
        f'href="{url}"'
        in login_client(partner_admin).get(reverse("sellout:my_declarations")).content.decode()
    )
    assert (
        f'href="{url}"'
        not in login_client(partner_seller).get(reverse("sellout:my_declarations")).content.decode()
    )

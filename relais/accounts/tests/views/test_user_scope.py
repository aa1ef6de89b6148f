"""The brand admin sets a channel manager's scope on its page; nobody else reaches it."""

from __future__ import annotations

from django.urls import reverse

from conftest import login_client
from relais.accounts.models import ChannelScope, Role
from relais.accounts.tests.factories import UserFactory
from relais.network.tests.factories import SegmentFactory


def test_the_brand_admin_sets_countries_and_segments(brand, brand_admin, channel_manager):
    segment = SegmentFactory(brand=brand, name="Fort potentiel")
    url = reverse("accounts:user_scope", args=[channel_manager.pk])
    client = login_client(brand_admin)

    assert client.get(url).status_code == 200
    response = client.post(url, {"countries": "fr, be", "segments": [segment.pk]})

    assert response.status_code == 302
    scope = ChannelScope.objects.get(user=channel_manager, brand=brand)
    assert scope.countries == ["BE", "FR"]
    assert list(scope.segments.all()) == [segment]
    assert scope.set_by == brand_admin


def test_a_bad_country_is_named(brand_admin, channel_manager):
    response = login_client(brand_admin).post(
        reverse("accounts:user_scope", args=[channel_manager.pk]), {"countries": "France"}
    )

    assert response.status_code == 200
    assert "is not a two-letter country code" in response.content.decode()
    assert not ChannelScope.objects.exists()


def test_only_the_admin_of_the_managers_brand_reaches_the_page(
    brand, other_brand, brand_admin, channel_manager, partner_admin
):
    url = reverse("accounts:user_scope", args=[channel_manager.pk])
    other_admin = UserFactory(email="admin@globex.test", role=Role.BRAND_ADMIN, brand=other_brand)

    assert login_client(other_admin).get(url).status_code == 404
    assert login_client(channel_manager).get(url).status_code == 403
    assert login_client(partner_admin).get(url).status_code == 403
    # A brand admin has no scope: its own id is not a channel manager's page.
    assert (
        login_client(brand_admin).get(reverse("accounts:user_scope", args=[brand_admin.pk])).status_code
        == 404
    )

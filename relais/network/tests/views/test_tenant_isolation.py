"""Tenant isolation: nobody reaches another brand's objects, and partner users reach only their company's.

Every object URL is listed once below; add new ones to the lists and every role is checked against them.
A control test opens the same URLs on the user's own objects, so a wrong URL cannot pass silently.
"""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from conftest import login_client
from relais.accounts.models import Invitation, Role
from relais.accounts.services import invitation_create
from relais.accounts.tests.factories import UserFactory, partner_user
from relais.catalog.tests.factories import ProductFactory
from relais.network.models import Segment
from relais.network.services import segment_create
from relais.network.tests.factories import PartnerFactory, SiteFactory

pytestmark = pytest.mark.django_db


def objects_of(brand, inviter):
    partner = PartnerFactory(brand=brand)
    return SimpleNamespace(
        partner=partner,
        member=partner_user(partner, role=Role.PARTNER_SELLER),
        site=SiteFactory(partner=partner),
        segment=segment_create(brand=brand, name=f"Segment {brand.slug}", rules={}),
        product=ProductFactory(brand=brand),
        invitation=invitation_create(
            invited_by=inviter,
            email=f"invitee-{partner.code}@example.test",
            role=Role.PARTNER_SELLER,
            partner=partner,
        ),
    )


# (url name, method, args from the objects)
BRAND_OBJECT_URLS = [
    ("network:partner_detail", "get", lambda o: [o.partner.pk]),
    ("network:partner_edit", "get", lambda o: [o.partner.pk]),
    ("network:partner_edit", "post", lambda o: [o.partner.pk]),
    ("network:site_create", "get", lambda o: [o.partner.pk]),
    ("network:site_edit", "get", lambda o: [o.partner.pk, o.site.pk]),
    ("network:segment_detail", "get", lambda o: [o.segment.pk]),
    ("network:segment_edit", "get", lambda o: [o.segment.pk]),
    ("network:segment_edit", "post", lambda o: [o.segment.pk]),
    ("network:segment_recompute", "post", lambda o: [o.segment.pk]),
    ("network:segment_delete", "post", lambda o: [o.segment.pk]),
    ("catalog:product_detail", "get", lambda o: [o.product.pk]),
    ("accounts:invitation_create", "post", lambda o: [o.partner.pk]),
    ("accounts:invitation_resend", "post", lambda o: [o.invitation.pk]),
    ("accounts:invitation_revoke", "post", lambda o: [o.invitation.pk]),
    ("accounts:user_set_active", "post", lambda o: [o.member.pk]),
]

# URLs a partner user may open for their own company, and must not for any other.
PARTNER_OBJECT_URLS = [
    ("network:partner_detail", "get", lambda o: [o.partner.pk]),
    ("accounts:invitation_create", "post", lambda o: [o.partner.pk]),
    ("accounts:invitation_resend", "post", lambda o: [o.invitation.pk]),
    ("accounts:invitation_revoke", "post", lambda o: [o.invitation.pk]),
    ("accounts:user_set_active", "post", lambda o: [o.member.pk]),
    ("network:portal_site_edit", "get", lambda o: [o.site.pk]),
    ("network:portal_site_edit", "post", lambda o: [o.site.pk]),
]


def url_id(entry):
    return f"{entry[1]}-{entry[0]}"


@pytest.fixture
def foreign(other_brand):
    return objects_of(other_brand, UserFactory(role=Role.BRAND_ADMIN, brand=other_brand))


@pytest.fixture
def own(brand, brand_admin):
    return objects_of(brand, brand_admin)


def call(client, method, name, args):
    data = {
        "email": "someone@example.test",
        "role": Role.PARTNER_SELLER,
        "name": "Hijack",
        "is_active": "false",
    }
    url = reverse(name, args=args)
    return client.get(url) if method == "get" else client.post(url, data)


@pytest.mark.parametrize("role", ["brand_admin", "channel_manager"])
@pytest.mark.parametrize("entry", BRAND_OBJECT_URLS, ids=url_id)
def test_brand_staff_get_404_on_another_brands_objects(request, role, entry, foreign):
    name, method, args = entry
    client = login_client(request.getfixturevalue(role))
    assert call(client, method, name, args(foreign)).status_code == 404
    # and nothing changed on the other side
    assert Segment.objects.filter(pk=foreign.segment.pk, name=foreign.segment.name).exists()
    assert Invitation.objects.filter(
        pk=foreign.invitation.pk, token_hash=foreign.invitation.token_hash
    ).exists()
    assert not Invitation.objects.filter(email="someone@example.test").exists()
    foreign.member.refresh_from_db()
    assert foreign.member.is_active


@pytest.mark.parametrize("entry", BRAND_OBJECT_URLS, ids=url_id)
def test_control_brand_admin_reaches_own_objects(brand_admin, entry, own):
    name, method, args = entry
    assert call(login_client(brand_admin), method, name, args(own)).status_code in {200, 302}


def test_a_site_is_not_reachable_under_another_partner(brand_admin, own, foreign, brand):
    sibling = PartnerFactory(brand=brand)
    client = login_client(brand_admin)
    assert client.get(reverse("network:site_edit", args=[own.partner.pk, foreign.site.pk])).status_code == 404
    assert client.get(reverse("network:site_edit", args=[sibling.pk, own.site.pk])).status_code == 404


@pytest.fixture
def sibling(brand, brand_admin):
    """Another partner of the same brand, with its own invitation."""
    partner = PartnerFactory(brand=brand)
    invitation = invitation_create(
        invited_by=brand_admin, email="sibling-seller@example.test", role=Role.PARTNER_SELLER, partner=partner
    )
    return SimpleNamespace(
        partner=partner,
        invitation=invitation,
        member=partner_user(partner, role=Role.PARTNER_SELLER),
        site=SiteFactory(partner=partner),
    )


@pytest.mark.parametrize("role", ["partner_admin", "partner_seller"])
@pytest.mark.parametrize("entry", PARTNER_OBJECT_URLS, ids=url_id)
@pytest.mark.parametrize("whose", ["sibling", "foreign"])
def test_partner_users_get_404_on_other_companies(request, role, entry, whose):
    name, method, args = entry
    user = request.getfixturevalue(role)
    objects = request.getfixturevalue(whose)
    response = call(login_client(user), method, name, args(objects))
    # A seller may not invite nor edit sites at all (403 whoever the company); otherwise a plain miss.
    admin_only = {"accounts:invitation_create", "network:portal_site_edit"}
    expected = {403, 404} if (role == "partner_seller" and name in admin_only) else {404}
    assert response.status_code in expected
    assert Invitation.objects.filter(
        pk=objects.invitation.pk, token_hash=objects.invitation.token_hash
    ).exists()


def test_control_partner_admin_reaches_own_company(partner_admin, partner, brand_admin):
    invitation = invitation_create(
        invited_by=partner_admin, email="mine@example.test", role=Role.PARTNER_SELLER, partner=partner
    )
    own = SimpleNamespace(
        partner=partner,
        invitation=invitation,
        member=partner_user(partner, role=Role.PARTNER_SELLER),
        site=SiteFactory(partner=partner),
    )
    client = login_client(partner_admin)
    for name, method, args in PARTNER_OBJECT_URLS:
        assert call(client, method, name, args(own)).status_code in {200, 302}, name


BACK_OFFICE_ONLY_URLS = [
    e for e in BRAND_OBJECT_URLS if (e[0], e[1]) not in {(n, m) for n, m, _a in PARTNER_OBJECT_URLS}
]


@pytest.mark.parametrize("entry", BACK_OFFICE_ONLY_URLS, ids=url_id)
def test_partner_users_never_reach_brand_back_office_objects(partner_admin, entry, own):
    name, method, args = entry
    assert call(login_client(partner_admin), method, name, args(own)).status_code in {403, 404}

"""Tenant isolation of brand self-service: the brand's settings, team, audit log, partner registry uploads
and the operator's console. Another brand's admin reaches only its own brand's pages (the same URLs show
its own data, never this brand's); object URLs of this brand are a 404 for them; partner users and channel
managers are refused the admin-only pages; the owner reaches each page (the control)."""

from __future__ import annotations

import pytest

from conftest import login_client
from relais.accounts.models import Role
from relais.accounts.tests.factories import UserFactory
from relais.audit.services import audit_record
from relais.core.models import Brand

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ["/brand/settings/", "/brand/users/", "/brand/audit/", "/catalog/upload/"]
STAFF_PAGES = ["/brand/partners/new/", "/brand/partners/upload/", "/brand/partners/invitations/upload/"]


@pytest.fixture
def foreign_admin(other_brand):
    return UserFactory(email="admin@globex.test", role=Role.BRAND_ADMIN, brand=other_brand)


def test_the_owner_reaches_every_page(brand_admin):
    client = login_client(brand_admin)
    for url in [*ADMIN_PAGES, *STAFF_PAGES]:
        assert client.get(url).status_code == 200, url


def test_another_brands_admin_sees_only_its_own_brand(brand, brand_admin, channel_manager, foreign_admin):
    audit_record(brand=brand, actor=brand_admin, action="partner.created", target_label="ACME-ONLY")
    client = login_client(foreign_admin)
    for url in ("/brand/audit/", "/brand/users/", "/brand/settings/"):
        response = client.get(url)
        assert response.status_code == 200
        assert b"ACME-ONLY" not in response.content and b"manager@acme.test" not in response.content
    assert (
        client.post(f"/brand/users/{channel_manager.pk}/active/", {"is_active": "false"}).status_code == 404
    )
    channel_manager.refresh_from_db()
    assert channel_manager.is_active


def test_partner_users_and_channel_managers_are_refused_admin_pages(
    partner_admin, partner_seller, channel_manager
):
    for user in (partner_admin, partner_seller, channel_manager):
        client = login_client(user)
        for url in ADMIN_PAGES:
            assert client.get(url).status_code == 403, (user.role, url)
    for user in (partner_admin, partner_seller):
        client = login_client(user)
        for url in [*STAFF_PAGES, "/operator/"]:
            assert client.get(url).status_code == 403, (user.role, url)


def test_only_the_operator_suspends_a_brand(brand, brand_admin, foreign_admin, partner_admin):
    for user in (brand_admin, foreign_admin, partner_admin):
        assert (
            login_client(user)
            .post(f"/operator/brands/{brand.pk}/active/", {"is_active": "false"})
            .status_code
            == 403
        )
    assert Brand.objects.get(pk=brand.pk).is_active

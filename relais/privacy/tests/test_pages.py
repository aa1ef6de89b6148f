"""The brand admin's personal data page: retention, a user's export and erasure; other roles refused."""

from __future__ import annotations

import pytest

from conftest import login_client
from relais.accounts.models import User
from relais.privacy.services import feedback_retention_months

pytestmark = pytest.mark.django_db


def test_the_brand_admin_sets_retention_and_erases_a_partner_user(brand, brand_admin, partner_seller):
    client = login_client(brand_admin)

    assert client.get("/brand/personal-data/", {"q": partner_seller.email}).status_code == 200
    assert client.post("/brand/personal-data/", {"feedback_retention_months": 12}).status_code == 302
    response = client.post(f"/brand/personal-data/users/{partner_seller.pk}/erase/")

    assert response.status_code == 302
    assert feedback_retention_months(brand=brand) == 12
    assert not User.objects.get(pk=partner_seller.pk).is_active


def test_other_roles_do_not_reach_the_page(channel_manager, partner_admin, partner_seller):
    assert login_client(channel_manager).get("/brand/personal-data/").status_code == 403
    assert (
        login_client(partner_admin)
        .post(f"/brand/personal-data/users/{partner_seller.pk}/export/")
        .status_code
        == 404
    )

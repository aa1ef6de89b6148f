"""A person's export: everything about them, for themself or their brand admin, each export audited."""

from __future__ import annotations

import json

import pytest

from conftest import login_client
from relais.accounts.models import Role
from relais.accounts.tests.factories import partner_user
from relais.audit.models import AuditEntry
from relais.core.errors import ApplicationError
from relais.incentives.tests.factories import credit, declaration_with_lines
from relais.privacy.services import personal_data_export

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_account_declarations_points_and_consents(brand, partner, brand_admin):
    seller = partner_user(partner, role=Role.PARTNER_SELLER, first_name="Jeanne")
    declaration = declaration_with_lines(
        partner, created_by=seller, lines=[{"quantity": 2, "feedback": "Top"}]
    )
    credit(partner, 120, user=seller)

    data = personal_data_export(subject=seller, by=brand_admin)

    assert data["account"]["email"] == seller.email
    assert data["account"]["first_name"] == "Jeanne"
    assert data["memberships"][0]["partner_code"] == partner.code
    assert [d["id"] for d in data["declarations"]] == [declaration.pk]
    assert data["declarations"][0]["feedback"] == ["Top"]
    assert data["points"]["balance"] == 120
    assert "consents" in data and "messages" in data
    entry = AuditEntry.objects.get(action="personal_data.exported")
    assert (entry.brand_id, entry.actor_id, entry.target_id) == (brand.pk, brand_admin.pk, str(seller.pk))


def test_another_partner_user_may_not_export_someone_else(partner, partner_admin):
    colleague = partner_user(partner, role=Role.PARTNER_SELLER)

    with pytest.raises(ApplicationError):
        personal_data_export(subject=colleague, by=partner_admin)


def test_a_user_downloads_their_own_data_as_json(partner_seller):
    client = login_client(partner_seller)

    response = client.post("/account/personal-data/export/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert json.loads(response.content)["account"]["email"] == partner_seller.email
    assert AuditEntry.objects.filter(action="personal_data.exported", actor=partner_seller).count() == 1

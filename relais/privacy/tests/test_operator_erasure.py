"""The operator console's "erase this person": confirmed by the person's e-mail, audited, sums unchanged."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from conftest import login_client
from relais.accounts.models import Role, User
from relais.accounts.tests.factories import partner_user
from relais.audit.models import AuditEntry
from relais.incentives.tests.factories import credit, declaration_with_lines
from relais.privacy.services import erased_email
from relais.privacy.tests.test_erasure import figures, text_values_holding

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(partner):
    return partner_user(
        partner,
        role=Role.PARTNER_SELLER,
        email="jeanne.morel@quincaillerie.fr",
        first_name="Jeanne",
        last_name="Morel",
    )


def test_the_operator_finds_a_person_from_the_console_and_erases_them_after_confirming(
    brand, partner, operator, seller
):
    declaration_with_lines(
        partner,
        created_by=seller,
        lines=[
            {"quantity": 2, "feedback": "Cliente ravie, rappeler Jeanne Morel"},
            {"quantity": 1, "sale_date": date(2026, 1, 20)},
        ],
    )
    credit(partner, 300, user=seller)
    before = figures(brand)
    client = login_client(operator)
    console = client.get(reverse("operator_home")).content.decode()
    assert reverse("privacy:operator_people") in console
    found = client.get(reverse("privacy:operator_people"), {"q": "morel"}).content.decode()
    erase_url = reverse("privacy:operator_erase", args=[seller.pk])
    assert erase_url in found
    assert "jeanne.morel@quincaillerie.fr" in client.get(erase_url).content.decode()

    # A wrong confirmation erases nothing.
    refused = client.post(erase_url, {"confirm_email": "someone@else.test"})
    assert refused.status_code == 200
    assert User.objects.get(pk=seller.pk).email == "jeanne.morel@quincaillerie.fr"

    response = client.post(erase_url, {"confirm_email": "Jeanne.Morel@quincaillerie.fr"})

    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:operator_people")
    erased = User.objects.get(pk=seller.pk)
    assert (erased.email, erased.first_name, erased.last_name, erased.is_active) == (
        erased_email(seller.pk),
        "",
        "",
        False,
    )
    assert figures(brand) == before
    assert text_values_holding(["jeanne.morel@quincaillerie.fr", "Morel"]) == []
    entry = AuditEntry.objects.get(action="personal_data.erased", target_id=str(seller.pk))
    assert (entry.brand, entry.actor) == (brand, operator)


def test_only_operators_reach_the_erasure_pages(brand_admin, partner_admin, seller):
    erase_url = reverse("privacy:operator_erase", args=[seller.pk])
    for user in (brand_admin, partner_admin):
        client = login_client(user)
        assert client.get(reverse("privacy:operator_people"), {"q": "morel"}).status_code == 403
        assert client.post(erase_url, {"confirm_email": seller.email}).status_code == 403
    assert User.objects.get(pk=seller.pk).is_active


def test_the_operator_cannot_erase_themselves(operator):
    client = login_client(operator)

    response = client.post(
        reverse("privacy:operator_erase", args=[operator.pk]), {"confirm_email": operator.email}
    )

    assert response.status_code == 200
    operator.refresh_from_db()
    assert operator.is_active and operator.email != erased_email(operator.pk)

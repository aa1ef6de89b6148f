"""Erasure: a person is anonymised while every sum, balance and analytics figure stays the same."""

from __future__ import annotations

from datetime import date

import pytest
from django.apps import apps
from django.db import models
from django.db.models import Sum

from relais.accounts.models import Role, User
from relais.accounts.tests.factories import partner_user
from relais.audit.models import AuditEntry
from relais.audit.services import audit_record
from relais.core.errors import ApplicationError
from relais.incentives import services as incentives
from relais.incentives.models import PointsAccount, PointsEntry
from relais.incentives.tests.factories import RewardFactory, credit, declaration_with_lines
from relais.insights.models import FeedbackThemeRollup, SelloutRollup
from relais.insights.services import rollup_refresh
from relais.network.tests.factories import PartnerFactory
from relais.privacy.services import erased_email, personal_data_erase
from relais.sellout.models import DeclarationLine

pytestmark = pytest.mark.django_db


def figures(brand) -> dict:
    """What must not move: the ledger, the balances, the sales and the analytics rebuilt from them."""
    rollup_refresh(brand=brand)
    return {
        "ledger": PointsEntry.objects.filter(brand=brand).aggregate(s=Sum("amount"))["s"],
        "balances": sorted(
            PointsAccount.objects.filter(brand=brand).values_list("partner_id", "user_id", "balance"), key=str
        ),
        "sales": DeclarationLine.objects.filter(brand=brand).aggregate(q=Sum("quantity"), a=Sum("amount")),
        "lines": sorted(DeclarationLine.objects.filter(brand=brand).values_list("id", "status", "quantity")),
        "lines_with_feedback": DeclarationLine.objects.filter(brand=brand).exclude(feedback="").count(),
        "rollups": rows_without_ids(SelloutRollup, brand),
        "feedback_themes": rows_without_ids(FeedbackThemeRollup, brand),
    }


def rows_without_ids(model: type[models.Model], brand) -> list[tuple]:
    """Every column but the id of every row of an analytics table (rebuilt rows get new ids)."""
    names = [f.attname for f in model._meta.concrete_fields if f.name != "id"]
    return sorted(
        (
            tuple(str(v) for v in row)
            for row in model._default_manager.filter(brand=brand).values_list(*names)
        ),
    )


def text_values_holding(needles: list[str]) -> list[str]:
    """Every text column of every table that still holds one of ``needles`` (reads the tables)."""
    found = []
    for model in apps.get_models():
        fields = [
            f.name for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField))
        ]
        if not fields:
            continue
        for row in model._default_manager.values(*fields):
            for name, value in row.items():
                if isinstance(value, str) and any(n.lower() in value.lower() for n in needles):
                    found.append(f"{model._meta.label}.{name}={value!r}")
    return found


@pytest.fixture
def seller(partner):
    return partner_user(
        partner,
        role=Role.PARTNER_SELLER,
        email="jeanne.morel@quincaillerie.fr",
        first_name="Jeanne",
        last_name="Morel",
    )


def test_after_erasure_sums_balances_and_analytics_are_unchanged_and_no_personal_field_remains(
    brand, partner, brand_admin, seller
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
    credit(partner, 500)
    reward = RewardFactory(brand=brand, points_price=100, stock=5)
    incentives.reward_redeem(
        partner=partner,
        reward=reward,
        quantity=1,
        user=seller,
        idempotency_key="o-1",
        delivery_address="Jeanne Morel, 3 rue des Lilas, 69003 Lyon",
    )
    audit_record(brand=brand, actor=seller, action="declaration.submitted", target_label="declaration")
    before = figures(brand)

    personal_data_erase(subject=seller, by=brand_admin)

    assert figures(brand) == before
    erased = User.objects.get(pk=seller.pk)
    assert erased.email == erased_email(seller.pk)
    assert (erased.first_name, erased.last_name, erased.is_active) == ("", "", False)
    assert not erased.has_usable_password()
    assert text_values_holding(["jeanne.morel@quincaillerie.fr", "Jeanne", "Morel", "rue des Lilas"]) == []
    assert AuditEntry.objects.filter(
        brand=brand, action="personal_data.erased", target_id=str(seller.pk)
    ).exists()


def test_a_brand_admin_erases_only_partner_users_of_their_brand(
    brand, other_brand, brand_admin, channel_manager
):

    foreign = partner_user(PartnerFactory(brand=other_brand))

    with pytest.raises(ApplicationError):
        personal_data_erase(subject=channel_manager, by=brand_admin)
    with pytest.raises(ApplicationError):
        personal_data_erase(subject=foreign, by=brand_admin)


def test_the_operator_erases_anyone(operator, channel_manager):
    personal_data_erase(subject=channel_manager, by=operator)

    channel_manager.refresh_from_db()
    assert not channel_manager.is_active

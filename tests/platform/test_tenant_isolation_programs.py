"""Tenant isolation of what the channel programs added: the rollup refresh of a program, the account
objectives page and its import, the partner's tier benefits and its premium rewards.

Each object URL is tried by a user of another brand (404) and a partner user (403 on a brand page, or 404
for another company's object) and, the control, by the owner, who reaches it; nothing moved after a foreign
attempt.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from conftest import login_client
from relais.accounts.models import Role
from relais.accounts.tests.factories import UserFactory
from relais.core.models import Job
from relais.incentives.tests.factories import RewardFactory
from relais.network.tests.factories import PartnerFactory
from relais.programs.models import AccountObjective, TierMove
from relais.programs.objective_views import SALT
from relais.programs.tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(brand):
    today = timezone.localdate()
    return ProgramFactory(
        brand=brand,
        period_start=today - dt.timedelta(days=30),
        period_end=today + dt.timedelta(days=30),
        content={"tiers": [{"code": "gold", "name": "Gold", "benefits": {"premium_rewards": True}}]},
    )


@pytest.fixture
def stranger(other_brand):
    return UserFactory(email="admin@globex.test", role=Role.BRAND_ADMIN, brand=other_brand)


def test_another_brand_cannot_refresh_a_programs_rollup_and_the_owner_can(program, stranger, brand_admin):
    url = reverse("programs:rollup", args=[program.pk])

    assert login_client(stranger).post(url).status_code == 404
    assert not Job.objects.filter(kind="programs_rollup").exists()
    assert login_client(brand_admin).post(url).status_code == 302
    assert Job.objects.filter(kind="programs_rollup", brand=program.brand).count() == 1


def test_the_objectives_page_is_the_brands_own(brand, partner, partner_admin, stranger, brand_admin):
    AccountObjective.objects.create(
        brand=brand,
        partner=partner,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31),
        metric="amount",
        target=Decimal(100),
    )
    url = reverse("programs:objectives")

    assert login_client(partner_admin).get(url).status_code == 403
    assert partner.name not in login_client(stranger).get(url).content.decode()
    assert partner.name in login_client(brand_admin).get(url).content.decode()


def test_an_import_previewed_for_one_brand_is_refused_to_another(brand, partner, stranger, brand_admin):
    rows = [{"row": 2, "partner_id": partner.pk, "partner_code": "R001", "metric": "amount", "target": "5"}]
    signed = signing.dumps(
        {"rows": rows, "start": "2026-01-01", "end": "2026-03-31", "program": None, "brand": brand.pk},
        salt=SALT,
    )
    url = reverse("programs:objectives")

    login_client(stranger).post(url, {"action": "confirm", "signed": signed})
    assert not AccountObjective.objects.exists()
    login_client(brand_admin).post(url, {"action": "confirm", "signed": signed})
    assert AccountObjective.objects.get().partner == partner


def test_a_premium_reward_is_orderable_only_by_a_partner_whose_tier_grants_it(
    brand, program, partner, partner_admin
):
    reward = RewardFactory(brand=brand, points_price=100, is_premium=True)
    url = reverse("incentives:my_redeem_confirm", args=[reward.pk])
    other = PartnerFactory(brand=brand)
    TierMove.objects.create(
        brand=brand,
        program=program,
        partner=other,
        period_start=program.period_start,
        period_end=program.period_end,
        tier="gold",
    )

    assert login_client(partner_admin).get(url).status_code == 404  # no tier: not offered
    TierMove.objects.create(
        brand=brand,
        program=program,
        partner=partner,
        period_start=program.period_start,
        period_end=program.period_end,
        tier="gold",
    )
    assert login_client(partner_admin).get(url).status_code == 200

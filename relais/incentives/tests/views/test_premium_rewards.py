"""A reward reserved to program tiers with rewards eligibility (``Reward.is_premium``): the brand marks it in
the reward editor; a partner whose tier does not grant premium rewards sees it in the catalogue with why, and
cannot order it (not from the page, not by the URL, not through the service); a partner whose tier grants
them orders it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.core.errors import ApplicationError
from relais.incentives import services
from relais.incentives.models import PointsAccount, RedemptionOrder, Reward
from relais.incentives.tests.factories import RewardFactory, credit
from relais.programs.models import TierMove
from relais.programs.tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db

TIERS = [
    {"code": "silver", "name": "Silver", "min_amount": 1, "benefits": {"points_multiplier": 1.2}},
    {"code": "gold", "name": "Gold", "min_amount": 100, "benefits": {"premium_rewards": True}},
    {"code": "platinum", "name": "Platinum", "min_amount": 1000, "benefits": {"rewards": "premium"}},
]


@pytest.fixture
def program(brand):
    today = timezone.localdate()
    return ProgramFactory(
        brand=brand,
        period_start=today - dt.timedelta(days=10),
        period_end=today + dt.timedelta(days=10),
        content={"tiers": TIERS},
    )


def holds(program, partner, tier: str) -> None:
    TierMove.objects.create(
        brand=partner.brand,
        program=program,
        partner=partner,
        period_start=program.period_start,
        period_end=program.period_end,
        tier=tier,
    )


def test_the_brand_marks_a_reward_premium_in_the_editor_and_unmarks_it(admin_client_brand, brand):
    assert 'name="is_premium"' in admin_client_brand.get("/brand/rewards/").content.decode()

    admin_client_brand.post(
        "/brand/rewards/",
        {"name": "Week-end pilote", "points_price": "5000", "is_active": "on", "is_premium": "on"},
    )
    reward = Reward.objects.get(brand=brand)
    assert reward.is_premium is True
    page = admin_client_brand.get(f"/brand/rewards/{reward.pk}/")
    assert page.context["form"].initial["is_premium"] is True
    assert "Premium" in page.content.decode()  # the list shows it

    admin_client_brand.post(
        f"/brand/rewards/{reward.pk}/", {"name": "Week-end pilote", "points_price": "5000", "is_active": "on"}
    )
    reward.refresh_from_db()
    assert reward.is_premium is False


def test_reward_save_leaves_premium_as_it_is_when_not_given(brand):
    reward = services.reward_save(brand=brand, name="Casque", points_price=300, is_premium=True)
    services.reward_save(brand=brand, reward=reward, name="Casque audio", points_price=300)
    reward.refresh_from_db()
    assert (reward.name, reward.is_premium) == ("Casque audio", True)


def test_a_partner_whose_tier_does_not_grant_it_sees_why_and_cannot_order(program, partner, partner_client):
    holds(program, partner, "silver")
    credit(partner, 10_000)
    premium = RewardFactory(brand=partner.brand, name="Week-end pilote", points_price=500, is_premium=True)
    standard = RewardFactory(brand=partner.brand, name="Casquette", points_price=100)

    page = partner_client.get("/portal/rewards/").content.decode()

    assert f'data-testid="reserved-{premium.pk}"' in page
    assert "Reserved to the program tiers that grant premium rewards: Gold, Platinum." in page
    assert "Your tier, Silver, does not grant them." in page
    assert 'href="/portal/program/"' in page  # what the next tier needs
    assert f'data-testid="redeem-{premium.pk}"' not in page
    assert f'data-testid="redeem-{standard.pk}"' in page and f"reserved-{standard.pk}" not in page

    assert partner_client.get(f"/portal/rewards/{premium.pk}/confirm/").status_code == 404
    response = partner_client.post(
        f"/portal/rewards/{premium.pk}/redeem/", {"quantity": 1, "idempotency_key": "k1"}
    )
    assert response.status_code == 404
    with pytest.raises(ApplicationError):
        services.reward_redeem(partner=partner, reward=premium, quantity=1, user=None, idempotency_key="k2")
    assert not RedemptionOrder.objects.exists()
    assert PointsAccount.objects.get(partner=partner).balance == 10_000


def test_a_partner_without_a_tier_is_told_so(program, partner, partner_client):
    premium = RewardFactory(brand=partner.brand, points_price=500, is_premium=True)

    page = partner_client.get("/portal/rewards/").content.decode()

    assert f'data-testid="reserved-{premium.pk}"' in page
    assert "You have no program tier yet." in page


def test_a_partner_whose_tier_grants_it_orders_it(program, partner, partner_client):
    holds(program, partner, "gold")
    credit(partner, 1000)
    premium = RewardFactory(brand=partner.brand, points_price=500, is_premium=True)

    page = partner_client.get("/portal/rewards/").content.decode()
    assert f'data-testid="redeem-{premium.pk}"' in page and f"reserved-{premium.pk}" not in page
    assert partner_client.get(f"/portal/rewards/{premium.pk}/confirm/").status_code == 200

    response = partner_client.post(
        f"/portal/rewards/{premium.pk}/redeem/", {"quantity": 1, "idempotency_key": "k1"}
    )

    assert response.status_code == 302 and response.url == "/portal/orders/"
    assert RedemptionOrder.objects.get().reward == premium
    assert PointsAccount.objects.get(partner=partner).balance == 500


def test_the_other_wording_of_the_benefit_grants_it_too(program, partner, partner_client):
    holds(program, partner, "platinum")  # {"rewards": "premium"}
    premium = RewardFactory(brand=partner.brand, points_price=500, is_premium=True)

    assert partner_client.get(f"/portal/rewards/{premium.pk}/confirm/").status_code == 200

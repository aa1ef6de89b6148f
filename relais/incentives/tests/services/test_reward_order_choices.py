"""Ordering a reward with a variant and a delivery address, and the partner's own cancel while requested
(points back through the append-only ledger, once)."""

import pytest
from django.urls import reverse
from django.utils import translation

from conftest import login_client
from relais.accounts.models import Role
from relais.accounts.tests.factories import partner_user
from relais.core.errors import ApplicationError
from relais.incentives import services
from relais.incentives.models import PointsAccount, PointsEntry, RedemptionOrder
from relais.incentives.tests.factories import RewardFactory, credit

pytestmark = pytest.mark.django_db


def account(partner):
    return PointsAccount.objects.get(partner=partner, user__isnull=True)


@pytest.fixture
def jacket(partner):
    return RewardFactory(
        brand=partner.brand,
        name="Veste de travail",
        points_price=400,
        stock=10,
        variants=["S", "M", "L"],
        needs_delivery=True,
    )


def redeem(partner, user, reward, key="k1", **choice):
    return services.reward_redeem(
        partner=partner, reward=reward, quantity=1, user=user, idempotency_key=key, **choice
    )


def test_the_variant_and_the_address_are_kept_on_the_order(partner, partner_admin, jacket, check_ledger):
    credit(partner, 1000)
    order = redeem(
        partner, partner_admin, jacket, variant="M", delivery_address=" 3 rue des Lilas\n69007 Lyon "
    )
    assert (order.variant, order.delivery_address) == ("M", "3 rue des Lilas\n69007 Lyon")
    check_ledger(account(partner))


@pytest.mark.parametrize(
    ("choice", "field"),
    [
        ({"variant": "XXL", "delivery_address": "Lyon"}, "variant"),
        ({"variant": "", "delivery_address": "Lyon"}, "variant"),
        ({"variant": "M", "delivery_address": "  "}, "delivery_address"),
    ],
)
def test_a_missing_or_unknown_choice_is_refused_and_spends_nothing(
    partner, partner_admin, jacket, choice, field
):
    credit(partner, 1000)
    with pytest.raises(ApplicationError) as error:
        redeem(partner, partner_admin, jacket, **choice)
    assert error.value.extra["field"] == field
    assert not RedemptionOrder.objects.exists()
    assert account(partner).balance == 1000


def test_the_brand_sets_the_variants(partner):
    reward = services.reward_save(
        brand=partner.brand,
        name="T-shirt",
        points_price=100,
        variants=[" M ", "L", "M", ""],
        needs_delivery=True,
    )
    assert (reward.variants, reward.needs_delivery) == (["M", "L"], True)


def test_the_partner_cancels_a_requested_order_once(partner, partner_admin, jacket, check_ledger):
    credit(partner, 1000)
    order = redeem(partner, partner_admin, jacket, variant="S", delivery_address="Lyon")
    assert account(partner).balance == 600
    services.order_cancel_by_partner(order=order, user=partner_admin)
    again = services.order_cancel_by_partner(order=order, user=partner_admin)
    assert again.status == RedemptionOrder.Status.CANCELLED
    assert account(partner).balance == 1000
    assert PointsEntry.objects.filter(kind="refund", order=order).count() == 1
    jacket.refresh_from_db()
    assert jacket.stock == 10
    check_ledger(account(partner))


def test_an_approved_order_is_no_longer_the_partners_to_cancel(partner, partner_admin, brand_admin, jacket):
    credit(partner, 1000)
    order = redeem(partner, partner_admin, jacket, variant="S", delivery_address="Lyon")
    services.order_approve(order=order, user=brand_admin)
    with translation.override("en"), pytest.raises(ApplicationError) as error:
        services.order_cancel_by_partner(order=order, user=partner_admin)
    assert "already approved" in error.value.message
    assert account(partner).balance == 600


def test_the_confirmation_page_shows_the_balance_after_and_spends_nothing(partner, partner_admin, jacket):
    credit(partner, 1000)
    client = login_client(partner_admin)
    html = client.get(
        reverse("incentives:my_redeem_confirm", args=[jacket.pk]), {"quantity": 2}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert 'data-testid="balance-after">200<' in html
    assert 'data-testid="redeem-variant"' in html and 'data-testid="redeem-address"' in html
    assert not RedemptionOrder.objects.exists()


def test_cancel_over_http_and_a_seller_cannot_cancel_a_colleagues_order(partner, partner_admin, jacket):
    credit(partner, 1000)
    order = redeem(partner, partner_admin, jacket, variant="L", delivery_address="Lyon")
    url = reverse("incentives:my_order_cancel", args=[order.pk])
    seller = partner_user(partner, role=Role.PARTNER_SELLER)
    assert login_client(seller).post(url).status_code == 404  # a seller, not the one who ordered
    assert login_client(partner_admin).post(url).status_code == 302
    order.refresh_from_db()
    assert order.status == RedemptionOrder.Status.CANCELLED


def test_the_brand_sets_variants_and_delivery_on_the_reward_form(brand, brand_admin):
    client = login_client(brand_admin)
    data = {
        "name": "Veste",
        "points_price": "300",
        "is_active": "on",
        "variants": "S, M , L,",
        "needs_delivery": "on",
    }
    assert client.post(reverse("incentives:rewards"), data).status_code == 302
    reward = brand.rewards.get(name="Veste")
    assert (reward.variants, reward.needs_delivery) == (["S", "M", "L"], True)
    html = client.get(reverse("incentives:reward_edit", args=[reward.pk])).content.decode()
    assert 'value="S, M, L"' in html

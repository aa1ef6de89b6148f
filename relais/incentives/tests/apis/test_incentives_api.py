import pytest
from django.test import Client

from relais.api.services import api_key_create
from relais.incentives import services
from relais.incentives.models import PointsEntry, RedemptionOrder
from relais.incentives.tests.factories import RewardFactory, credit, declaration_with_lines, running_challenge
from relais.network.tests.factories import PartnerFactory


def client_for(partner) -> Client:
    _key, text = api_key_create(partner=partner, name="ERP")
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


@pytest.fixture
def api(partner):
    return client_for(partner)


def redeem(api, reward, *, key="k-1", quantity=1):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api.post(
        f"/api/v1/rewards/{reward.pk}/redeem",
        {"quantity": quantity},
        content_type="application/json",
        **headers,
    )


def test_balance(api, partner):
    credit(partner, 120)
    credit(partner, 30, status="provisional")

    response = api.get("/api/v1/points/balance")

    assert response.status_code == 200
    assert response.json() == {"balance": 150, "available": 120, "provisional": 30}


def test_ledger_is_paginated_and_only_mine(api, partner, other_partner):
    for _ in range(3):
        credit(partner, 10)
    credit(other_partner, 99)

    response = api.get("/api/v1/points/ledger?limit=2")

    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 3
    assert [item["amount"] for item in body["items"]] == [10, 10]


def test_leaderboard_gives_my_rank_and_gap(api, partner, other_partner):
    challenge = running_challenge(partner.brand, per_unit=1)
    services.challenge_score_declaration(declaration=declaration_with_lines(partner, lines=[{"quantity": 4}]))
    services.challenge_score_declaration(
        declaration=declaration_with_lines(other_partner, lines=[{"quantity": 9}])
    )

    response = api.get(f"/api/v1/challenges/{challenge.pk}/leaderboard")

    assert response.status_code == 200
    overall = response.json()["boards"][0]
    assert (overall["rank"], overall["score"], overall["gap_to_next"], overall["size"]) == (2, 4, 5, 2)


def test_leaderboard_of_another_brand_is_404(api, other_brand):
    foreign = running_challenge(other_brand, per_unit=1)
    assert api.get(f"/api/v1/challenges/{foreign.pk}/leaderboard").status_code == 404


def test_redeem_replay_returns_the_same_response_and_debits_once(api, partner):
    credit(partner, 500)
    reward = RewardFactory(brand=partner.brand, points_price=100, stock=5)

    first = redeem(api, reward)
    second = redeem(api, reward)

    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert RedemptionOrder.objects.count() == 1
    assert PointsEntry.objects.filter(kind="redeem").count() == 1
    assert api.get("/api/v1/points/balance").json()["available"] == 400


def test_redeem_same_key_other_body_is_409(api, partner):
    credit(partner, 500)
    reward = RewardFactory(brand=partner.brand)
    redeem(api, reward)

    response = redeem(api, reward, quantity=2)

    assert response.status_code == 409
    assert RedemptionOrder.objects.count() == 1


def test_redeem_needs_a_key_and_enough_points(api, partner):
    reward = RewardFactory(brand=partner.brand, points_price=100)
    assert redeem(api, reward, key=None).status_code == 400
    response = redeem(api, reward)
    assert response.status_code == 400
    assert response.json()["code"] == "insufficient_points"


def test_reward_of_another_brand_is_404(api, partner, other_brand):
    credit(partner, 500)
    assert redeem(api, RewardFactory(brand=other_brand)).status_code == 404


def test_orders_are_only_mine(api, partner, other_partner):
    credit(partner, 500)
    credit(other_partner, 500)
    reward = RewardFactory(brand=partner.brand)
    mine = redeem(api, reward).json()
    theirs = redeem(client_for(other_partner), reward).json()

    listed = api.get("/api/v1/orders").json()

    assert [o["id"] for o in listed["items"]] == [mine["id"]]
    assert api.get(f"/api/v1/orders/{theirs['id']}").status_code == 404
    assert api.get(f"/api/v1/orders/{mine['id']}").json()["status"] == "requested"


def test_rewards_lists_the_catalogue(api, partner, other_brand):
    RewardFactory(brand=partner.brand, name="Coffret embouts")
    RewardFactory(brand=other_brand, name="Foreign")

    names = [r["name"] for r in api.get("/api/v1/rewards").json()]

    assert names == ["Coffret embouts"]


@pytest.mark.parametrize("path", ["/api/v1/points/balance", "/api/v1/points/ledger", "/api/v1/orders"])
def test_without_a_key_is_401(db, path):
    assert Client().get(path).status_code == 401


def test_another_partner_key_sees_its_own_balance(partner, brand):
    credit(partner, 77)
    stranger = PartnerFactory(brand=brand)
    assert client_for(stranger).get("/api/v1/points/balance").json()["balance"] == 0

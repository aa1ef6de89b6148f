from datetime import date
from decimal import Decimal

import pytest

from conftest import login_client
from relais.incentives import services
from relais.incentives.models import PointsAccount, RedemptionOrder
from relais.incentives.tests.factories import RewardFactory, credit, declaration_with_lines, running_challenge
from relais.programs.objectives import account_objective_set

PARTNER_PAGES = [
    "/portal/challenges/",
    "/portal/objectives/",
    "/portal/points/",
    "/portal/rewards/",
    "/portal/orders/",
]


@pytest.mark.parametrize("url", PARTNER_PAGES)
def test_partner_pages_for_partner_users(partner_client, partner_seller, url):
    assert partner_client.get(url).status_code == 200
    assert login_client(partner_seller).get(url).status_code == 200


@pytest.mark.parametrize("url", PARTNER_PAGES)
def test_partner_pages_are_refused_to_brand_staff(admin_client_brand, url):
    assert admin_client_brand.get(url).status_code == 403


def test_my_challenges_show_my_rank_and_gap(partner_client, partner, other_partner):
    challenge = running_challenge(partner.brand, per_unit=1)
    services.challenge_score_declaration(declaration=declaration_with_lines(partner, lines=[{"quantity": 3}]))
    services.challenge_score_declaration(
        declaration=declaration_with_lines(other_partner, lines=[{"quantity": 8}])
    )

    page = partner_client.get("/portal/challenges/").content.decode()
    board = partner_client.get(f"/portal/challenges/{challenge.pk}/").content.decode()

    assert "Rank 2 of 2" in page and "5 points to the next place" in page
    assert other_partner.name not in board  # anonymised


def test_leaderboard_of_another_brand_is_404(partner_client, other_brand):
    foreign = running_challenge(other_brand)
    assert partner_client.get(f"/portal/challenges/{foreign.pk}/").status_code == 404


def test_points_history_shows_provisional_and_confirmed(partner_client, partner, other_partner):
    credit(partner, 40, status="provisional")
    credit(partner, 60)
    credit(other_partner, 999)

    response = partner_client.get("/portal/points/")

    assert response.context["summary"] == {
        "balance": 100,
        "available": 60,
        "provisional": 40,
        "held": 0,
        "held_until": [],
        "awaiting_reconciliation": 0,
    }
    assert len(response.context["page"].object_list) == 2


def test_redeem_from_the_catalogue_twice_with_one_form_makes_one_order(partner_client, partner):
    credit(partner, 500)
    reward = RewardFactory(brand=partner.brand, points_price=150, stock=2)

    for _ in range(2):
        response = partner_client.post(
            f"/portal/rewards/{reward.pk}/redeem/", {"quantity": 1, "idempotency_key": "form-1"}
        )

    assert response.status_code == 302 and response.url == "/portal/orders/"
    assert RedemptionOrder.objects.count() == 1
    assert PointsAccount.objects.get(partner=partner).balance == 350
    orders_page = partner_client.get("/portal/orders/").content.decode()
    assert reward.name in orders_page


def test_reward_of_another_brand_cannot_be_ordered(partner_client, partner, other_brand):
    credit(partner, 500)
    foreign = RewardFactory(brand=other_brand)
    response = partner_client.post(
        f"/portal/rewards/{foreign.pk}/redeem/", {"quantity": 1, "idempotency_key": "k"}
    )
    assert response.status_code == 404


def test_orders_of_other_partners_are_not_listed(partner_client, partner, other_partner):
    credit(other_partner, 500)
    services.reward_redeem(
        partner=other_partner,
        reward=RewardFactory(brand=partner.brand, name="Casquette"),
        quantity=1,
        user=None,
        idempotency_key="k",
    )
    assert "Casquette" not in partner_client.get("/portal/orders/").content.decode()


def test_portal_home_shows_the_points_section(partner_client, partner):
    credit(partner, 1234)
    page = partner_client.get("/portal/").content.decode()
    assert 'data-testid="portal-points"' in page and "1,234" in page


def test_my_objectives_show_validated_progress_and_what_is_under_review(
    partner_client, partner, other_partner
):
    for who in (partner, other_partner):
        account_objective_set(
            brand=partner.brand,
            partner=who,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 3, 31),
            metric="units",
            target=Decimal(200),
        )
    declaration_with_lines(partner, lines=[{"quantity": 50}], status="validated")
    declaration_with_lines(partner, lines=[{"quantity": 30}], status="submitted")

    response = partner_client.get("/portal/objectives/")

    html = response.content.decode()
    assert html.count('data-testid="objective"') == 1  # mine only
    assert '<strong data-testid="objective-percent">25.0 %</strong>' in html
    assert "50 / 200" in html and "+ 30 under review" in html

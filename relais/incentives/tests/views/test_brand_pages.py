from datetime import date
from decimal import Decimal

import pytest

from conftest import login_client
from relais.incentives import services
from relais.incentives.models import Challenge, ChallengeRule, PointsEntry, RedemptionOrder, Reward
from relais.incentives.tests.factories import RewardFactory, credit, declaration_with_lines, running_challenge
from relais.network.tests.factories import PartnerFactory
from relais.programs.models import AccountObjective
from relais.sellout.models import Declaration

BRAND_PAGES = [
    "/brand/challenges/",
    "/brand/points/",
    "/brand/objectives/",
    "/brand/rewards/",
    "/brand/orders/",
]


@pytest.mark.parametrize("url", BRAND_PAGES)
def test_brand_pages_for_brand_staff(admin_client_brand, channel_manager, url):
    assert admin_client_brand.get(url).status_code == 200
    assert login_client(channel_manager).get(url).status_code == 200


@pytest.mark.parametrize("url", BRAND_PAGES)
def test_brand_pages_are_refused_to_partner_users(partner_client, url):
    assert partner_client.get(url).status_code == 403


def test_create_challenge_then_add_and_version_a_rule(admin_client_brand, brand, partner):
    response = admin_client_brand.post(
        "/brand/challenges/",
        {
            "name": "Printemps perceuses",
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
            "budget_points": "10000",
            "beneficiary": "partner",
            "points_validity_days": "365",
        },
    )
    challenge = Challenge.objects.get(brand=brand)
    assert response.status_code == 302 and response.url == f"/brand/challenges/{challenge.pk}/"
    admin_client_brand.post(f"/brand/challenges/{challenge.pk}/rules/", {"kind": "per_unit", "points": "10"})
    rule = ChallengeRule.objects.get(challenge=challenge)
    admin_client_brand.post(f"/brand/challenges/{challenge.pk}/status/", {"status": "running"})
    services.challenge_score_declaration(declaration=declaration_with_lines(partner, lines=[{"quantity": 2}]))

    admin_client_brand.post(
        f"/brand/challenges/{challenge.pk}/rules/{rule.pk}/",
        {f"r{rule.pk}-kind": "per_unit", f"r{rule.pk}-points": "15"},
    )

    versions = list(
        ChallengeRule.objects.filter(challenge=challenge).values_list("version", "points", "is_current")
    )
    assert sorted(versions) == [(1, Decimal(10), False), (2, Decimal(15), True)]
    page = admin_client_brand.get(f"/brand/challenges/{challenge.pk}/")
    assert page.status_code == 200
    assert "v2" in page.content.decode()


def test_tiered_rule_from_the_form(admin_client_brand, brand):
    challenge = running_challenge(brand, per_unit=None)
    admin_client_brand.post(
        f"/brand/challenges/{challenge.pk}/rules/",
        {"kind": "objective_bonus", "tiers": "80:100, 100:300, 120:600"},
    )
    assert ChallengeRule.objects.get(challenge=challenge).params["tiers"] == [
        [80, 100],
        [100, 300],
        [120, 600],
    ]


def test_backtest_fragment(admin_client_brand, brand, partner):
    challenge = running_challenge(brand, per_unit=3)
    declaration_with_lines(
        partner, lines=[{"quantity": 5, "sale_date": date(2025, 2, 1)}], status=Declaration.Status.VALIDATED
    )

    response = admin_client_brand.get(
        f"/brand/challenges/{challenge.pk}/backtest/", {"start": "2025-01-01", "end": "2025-03-31"}
    )

    assert response.status_code == 200
    assert 'data-testid="backtest-total">15<' in response.content.decode()
    assert not PointsEntry.objects.exists()


def test_challenge_of_another_brand_is_404(admin_client_brand, other_brand):
    foreign = running_challenge(other_brand)
    for url in (
        f"/brand/challenges/{foreign.pk}/",
        f"/brand/challenges/{foreign.pk}/backtest/?start=2025-01-01&end=2025-02-01",
    ):
        assert admin_client_brand.get(url).status_code == 404
    assert (
        admin_client_brand.post(f"/brand/challenges/{foreign.pk}/status/", {"status": "closed"}).status_code
        == 404
    )
    foreign.refresh_from_db()
    assert foreign.status == "running"


def test_close_from_the_editor(admin_client_brand, brand):
    challenge = running_challenge(brand)
    admin_client_brand.post(f"/brand/challenges/{challenge.pk}/status/", {"status": "closed"})
    challenge.refresh_from_db()
    assert challenge.status == "closed"


def test_ledger_filters_and_adjustment(admin_client_brand, partner, other_partner):
    credit(partner, 10)
    credit(other_partner, 20)

    response = admin_client_brand.get("/brand/points/", {"partner": partner.pk})
    assert response.status_code == 200
    assert [e.partner_id for e in response.context["page"].object_list] == [partner.pk]

    admin_client_brand.post(
        "/brand/points/",
        {"partner": partner.pk, "amount": "-5", "reason": "doublon", "idempotency_key": "x1"},
    )
    admin_client_brand.post(
        "/brand/points/",
        {"partner": partner.pk, "amount": "-5", "reason": "doublon", "idempotency_key": "x1"},
    )
    assert PointsEntry.objects.filter(kind="adjust", amount=-5).count() == 1


def test_objectives_entered_and_proposed_are_the_programs_account_objectives(
    admin_client_brand, brand, partner
):
    admin_client_brand.post(
        "/brand/objectives/",
        {
            "action": "enter",
            "partner": partner.pk,
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
            "metric": "units",
            "target": "100",
        },
    )
    declaration_with_lines(
        partner, lines=[{"quantity": 40, "sale_date": date(2025, 8, 1)}], status=Declaration.Status.VALIDATED
    )
    response = admin_client_brand.post(
        "/brand/objectives/",
        {"action": "propose", "period_start": "2026-07-01", "period_end": "2026-09-30", "metric": "units"},
    )

    assert response.status_code == 200
    assert sorted(AccountObjective.objects.values_list("source", flat=True)) == ["entered", "proposed"]
    assert 'href="/programs/objectives/"' in response.content.decode()  # the import, with its preview


def test_reward_admin_creates_and_edits(admin_client_brand, brand):
    admin_client_brand.post(
        "/brand/rewards/", {"name": "Journée de formation", "points_price": "2500", "is_active": "on"}
    )
    reward = Reward.objects.get(brand=brand)
    admin_client_brand.post(
        f"/brand/rewards/{reward.pk}/",
        {"name": "Journée de formation", "points_price": "2000", "stock": "4", "is_active": "on"},
    )
    reward.refresh_from_db()
    assert (reward.points_price, reward.stock) == (2000, 4)


def test_reward_of_another_brand_is_404(admin_client_brand, other_brand):
    assert admin_client_brand.get(f"/brand/rewards/{RewardFactory(brand=other_brand).pk}/").status_code == 404


def test_order_approve_ship_cancel(admin_client_brand, partner):
    credit(partner, 1000)
    reward = RewardFactory(brand=partner.brand, points_price=100, stock=3)
    shipped = services.reward_redeem(
        partner=partner, reward=reward, quantity=1, user=None, idempotency_key="a"
    )
    cancelled = services.reward_redeem(
        partner=partner, reward=reward, quantity=2, user=None, idempotency_key="b"
    )

    admin_client_brand.post(f"/brand/orders/{shipped.pk}/approve/")
    admin_client_brand.post(f"/brand/orders/{shipped.pk}/ship/")
    admin_client_brand.post(f"/brand/orders/{cancelled.pk}/cancel/", {"reason": "rupture"})

    statuses = dict(RedemptionOrder.objects.values_list("pk", "status"))
    assert statuses == {shipped.pk: "shipped", cancelled.pk: "cancelled"}
    reward.refresh_from_db()
    assert reward.stock == 2
    assert PointsEntry.objects.get(kind="refund").amount == 200


def test_order_of_another_brand_is_404(admin_client_brand, other_brand):
    stranger = PartnerFactory(brand=other_brand)
    credit(stranger, 500)
    order = services.reward_redeem(
        partner=stranger, reward=RewardFactory(brand=other_brand), quantity=1, user=None, idempotency_key="z"
    )
    assert admin_client_brand.post(f"/brand/orders/{order.pk}/cancel/").status_code == 404

"""A scoped channel manager's incentive pages: the challenge's leaderboard and points, the points ledger, the
objectives, the reward orders and the programme figures hold its partners only; a reward order or an
adjustment of a partner outside its scope is out of reach. The brand admin sees every partner. A seller's
points page says the points of the company's challenges go to the company.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse

from conftest import login_client
from relais.accounts.scopes import brand_user_scope_set
from relais.incentives import services
from relais.incentives.models import PointsEntry, RedemptionOrder
from relais.incentives.tests.factories import RewardFactory, credit, declaration_with_lines, running_challenge
from relais.network.tests.factories import PartnerFactory
from relais.programs.models import AccountObjective

pytestmark = pytest.mark.django_db


@pytest.fixture
def points(brand, brand_admin, channel_manager):
    french = PartnerFactory(brand=brand, code="FR01", name="Quincaillerie Lyonnaise", country="FR")
    belgian = PartnerFactory(brand=brand, code="BE01", name="Brico Bruxelles", country="BE")
    challenge = running_challenge(brand, per_unit=10)
    services.challenge_score_declaration(declaration=declaration_with_lines(french, lines=[{"quantity": 2}]))
    services.challenge_score_declaration(declaration=declaration_with_lines(belgian, lines=[{"quantity": 5}]))
    reward = RewardFactory(brand=brand, points_price=100, stock=5)
    orders = {}
    for company in (french, belgian):
        credit(company, 1000)
        orders[company.code] = services.reward_redeem(
            partner=company, reward=reward, quantity=1, user=None, idempotency_key=f"order-{company.code}"
        )
    for company, target in ((french, 100), (belgian, 900)):
        AccountObjective.objects.create(
            brand=brand,
            partner=company,
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 3, 31),
            metric="units",
            target=target,
        )
    brand_user_scope_set(user=channel_manager, countries=["FR"], segment_ids=[], by=brand_admin)
    return SimpleNamespace(french=french, belgian=belgian, challenge=challenge, orders=orders)


def test_the_challenge_of_a_scoped_manager_ranks_and_counts_its_partners_only(points, channel_manager):
    client = login_client(channel_manager)

    detail = client.get(reverse("incentives:challenge_detail", args=[points.challenge.pk]))
    listing = client.get(reverse("incentives:challenges"))

    assert [(row["name"], row["score"], row["rank"]) for row in detail.context["leaderboard"]] == [
        ("Quincaillerie Lyonnaise", 20, 1)
    ]
    assert "Brico Bruxelles" not in detail.content.decode()
    assert detail.context["challenge"].points_shown == 20
    assert "impact" not in detail.context
    assert [c.points_shown for c in listing.context["challenges"]] == [20]


def test_the_brand_admin_sees_the_whole_leaderboard(points, brand_admin):
    client = login_client(brand_admin)

    detail = client.get(reverse("incentives:challenge_detail", args=[points.challenge.pk]))

    assert [(row["name"], row["score"]) for row in detail.context["leaderboard"]] == [
        ("Brico Bruxelles", 50),
        ("Quincaillerie Lyonnaise", 20),
    ]
    assert detail.context["challenge"].points_shown == 70


def test_the_ledger_of_a_scoped_manager(points, channel_manager, brand_admin):
    client = login_client(channel_manager)

    page = client.get(reverse("incentives:ledger")).context["page"]
    foreign = client.get(reverse("incentives:ledger"), {"partner": points.belgian.pk}).context["page"]
    adjust = client.post(
        reverse("incentives:ledger"),
        {"partner": points.belgian.pk, "amount": 50, "reason": "geste", "idempotency_key": "k1"},
    )

    assert {entry.partner_id for entry in page} == {points.french.pk}
    assert sum(e.amount for e in page) == sum(
        PointsEntry.objects.filter(partner=points.french).values_list("amount", flat=True)
    )
    assert {entry.partner_id for entry in foreign} <= {points.french.pk}
    assert adjust.status_code == 200  # the form refuses a partner out of scope
    assert not PointsEntry.objects.filter(partner=points.belgian, kind="adjust", reason="geste").exists()
    whole = login_client(brand_admin).get(reverse("incentives:ledger")).context["page"]
    assert {entry.partner_id for entry in whole} == {points.french.pk, points.belgian.pk}


def test_the_orders_of_a_scoped_manager(points, channel_manager):
    client = login_client(channel_manager)

    listed = client.get(reverse("incentives:orders")).context["page"]
    foreign = client.post(reverse("incentives:order_action", args=[points.orders["BE01"].pk, "cancel"]))
    own = client.post(reverse("incentives:order_action", args=[points.orders["FR01"].pk, "approve"]))

    assert [order.partner_id for order in listed] == [points.french.pk]
    assert foreign.status_code == 404
    assert own.status_code == 302
    statuses = dict(RedemptionOrder.objects.values_list("partner__code", "status"))
    assert statuses == {"FR01": "approved", "BE01": "requested"}


def test_the_objectives_of_a_scoped_manager(points, channel_manager, brand_admin):
    scoped = login_client(channel_manager).get(reverse("incentives:objectives"))
    whole = login_client(brand_admin).get(reverse("incentives:objectives"))

    assert [row["objective"].partner_id for row in scoped.context["rows"]] == [points.french.pk]
    assert "Brico Bruxelles" not in scoped.content.decode()
    assert len(whole.context["rows"]) == 2


def test_the_programme_figures_of_a_scoped_manager(points, channel_manager, brand_admin):
    period = {"start": "2026-01", "end": "2026-03"}

    scoped = login_client(channel_manager).get(reverse("insights:programme"), period).context
    whole = login_client(brand_admin).get(reverse("insights:programme"), period).context

    assert [row["points"] for row in scoped["challenges"]] == [20]
    assert [row["points"] for row in whole["challenges"]] == [70]
    assert [row["impact"] for row in scoped["challenges"]] == [None]
    assert [(row["count"], row["target"]) for row in scoped["objectives"]] == [(1, 100)]
    assert [(row["count"], row["target"]) for row in whole["objectives"]] == [(2, 1000)]


def test_a_sellers_points_page_says_the_company_gets_the_other_challenges_points(
    partner_seller, partner_admin
):
    seller_page = login_client(partner_seller).get(reverse("incentives:my_points")).content.decode()
    admin_page = login_client(partner_admin).get(reverse("incentives:my_points")).content.decode()

    assert 'data-testid="my-points-seller-note"' in seller_page
    assert "only challenges that reward sellers pay you" in seller_page
    assert "go to your company, Quincaillerie Martin, not to you" in seller_page
    assert 'data-testid="my-points-seller-note"' not in admin_page

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import login_client
from relais.incentives.models import Challenge
from relais.insights.selectors import challenge_points_cost, objective_attainment, period_clean
from relais.insights.services import rollup_refresh
from relais.insights.tests.factories import declaration_with_lines, product
from relais.programs.models import AccountObjective

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(brand, partner, other_partner):
    item = product(brand)
    declaration_with_lines(
        partner=partner,
        lines=[
            {"product": item, "quantity": 6, "amount": "600", "sale_date": dt.date(2026, 1, 5)},
            {"product": item, "quantity": 6, "amount": "600", "sale_date": dt.date(2026, 2, 5)},
        ],
    )
    rollup_refresh(brand=brand)
    q1 = {"period_start": dt.date(2026, 1, 1), "period_end": dt.date(2026, 3, 31)}
    AccountObjective.objects.create(brand=brand, partner=partner, metric="units", target=10, **q1)
    AccountObjective.objects.create(brand=brand, partner=other_partner, metric="units", target=10, **q1)
    AccountObjective.objects.create(
        brand=brand, partner=partner, metric="amount", target=Decimal("2400"), **q1
    )
    Challenge.objects.create(
        brand=brand, name="Printemps", status="running", points_posted=750, budget_points=1000, **q1
    )
    Challenge.objects.create(brand=brand, name="Brouillon", status="draft", **q1)


def test_objective_attainment_from_rollups(brand, programme):
    period = period_clean(brand=brand, start="2026-01", end="2026-03")
    rows = {r["metric"]: r for r in objective_attainment(brand=brand, period=period)}
    assert (rows["units"]["count"], rows["units"]["reached"], rows["units"]["achieved"]) == (2, 1, 12)
    assert rows["units"]["percent"] == 60  # 12 of 20
    assert (rows["amount"]["reached"], rows["amount"]["percent"]) == (0, 50)  # 1200 of 2400
    assert (
        objective_attainment(brand=brand, period=period_clean(brand=brand, start="2025-01", end="2025-06"))
        == []
    )


def test_points_cost_per_challenge_leaves_drafts_out(brand, programme):
    period = period_clean(brand=brand, start="2026-01", end="2026-03")
    [row] = challenge_points_cost(brand=brand, period=period)
    assert (row["challenge"].name, row["points"], row["budget_percent"]) == ("Printemps", 750, 75)


def test_programme_fragment(brand_admin, partner_admin, programme, other_brand):
    url = reverse("insights:programme")
    html = login_client(brand_admin).get(url, {"start": "2026-01", "end": "2026-03"}).content.decode()
    assert 'data-testid="objective-attainment"' in html and "Printemps" in html and "Brouillon" not in html
    assert login_client(partner_admin).get(url).status_code == 403

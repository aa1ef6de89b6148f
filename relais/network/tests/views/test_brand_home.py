"""The brand home: sell-out this month against the last, and what needs doing, each a link; a constant
number of queries whatever the size of the network."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import login_client
from relais.incentives.services.rewards import reward_redeem
from relais.incentives.tests.factories import RewardFactory, credit
from relais.insights.selectors.home import _month_back, brand_home_todo, due_month
from relais.insights.services import rollup_refresh
from relais.insights.tests.factories import declaration_with_lines, product
from relais.network.tests.factories import PartnerFactory
from relais.sellout.models import DeclarationLine

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["brand_admin", "channel_manager"])
def staff_client(request):
    return login_client(request.getfixturevalue(request.param))


def network(brand, partners: int) -> None:
    """``partners`` partners; the first declared last month and sold this month; one line flagged; one
    reward order waiting."""
    drill = product(brand)
    this_month = timezone.localdate().replace(day=1)
    last_month = _month_back(this_month, 1)
    everyone = [PartnerFactory(brand=brand) for _ in range(partners)]
    declaration_with_lines(
        partner=everyone[0],
        lines=[
            {"product": drill, "quantity": 2, "amount": "200", "sale_date": last_month},
            {"product": drill, "quantity": 1, "amount": "300", "sale_date": this_month},
            {
                "product": drill,
                "quantity": 1,
                "amount": "999",
                "sale_date": last_month,
                "status": DeclarationLine.Status.FLAGGED,
            },
        ],
        period_start=last_month,
        period_end=this_month,
    )
    rollup_refresh(brand=brand)
    credit(everyone[1], 500)
    reward_redeem(
        partner=everyone[1], reward=RewardFactory(brand=brand), quantity=1, user=None, idempotency_key="o1"
    )


def test_the_home_shows_the_sellout_and_what_needs_doing(staff_client, brand):
    network(brand, partners=4)
    response = staff_client.get(reverse("network:brand_home"))
    sellout, todo = response.context["sellout"], response.context["todo"]
    assert (sellout.this_amount, sellout.last_amount) == (300, 200)
    assert sellout.change == pytest.approx(0.5)
    assert todo == {
        "lines_to_review": 1,
        "due_month": due_month(timezone.localdate()),
        "partners_undeclared": 3,
        "orders_to_approve": 1,
    }
    html = response.content.decode()
    assert 'data-testid="sellout-change">+50 %<' in html
    for url in ("sellout:brand_review_queue", "insights:undeclared", "incentives:orders"):
        assert f'href="{reverse(url)}"' in html
    assert "data-home-chart=" in html and "<script>" not in html  # the chart's code is a static file


def test_the_home_costs_the_same_queries_for_a_larger_network(staff_client, brand, other_brand):
    network(brand, partners=3)
    with CaptureQueriesContext(connection) as small:
        assert staff_client.get(reverse("network:brand_home")).status_code == 200
    for _ in range(12):
        PartnerFactory(brand=brand)
    network(brand, partners=5)
    with CaptureQueriesContext(connection) as large:
        staff_client.get(reverse("network:brand_home"))
    assert len(large) == len(small)


def test_undeclared_partners_page_lists_the_brands_own(staff_client, brand, other_brand):
    network(brand, partners=3)
    PartnerFactory(brand=other_brand, name="Étranger SA")
    PartnerFactory(brand=brand, name="Dormant", is_active=False)
    response = staff_client.get(reverse("insights:undeclared"))
    names = [p.name for p in response.context["page"]]
    assert len(names) == 2 and "Étranger SA" not in names and "Dormant" not in names
    assert brand_home_todo(brand=brand)["partners_undeclared"] == 2


def test_the_due_month_is_the_last_complete_one():
    assert due_month(dt.date(2026, 1, 5)) == dt.date(2025, 12, 1)
    assert due_month(dt.date(2026, 12, 31)) == dt.date(2026, 11, 1)

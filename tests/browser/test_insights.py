"""Brand analytics and partner insights in a real browser: charts redraw on a segment filter, and a partner
reads its anonymised benchmark on a phone."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from relais.accounts.tests.factories import PASSWORD
from relais.insights.services import rollup_refresh
from relais.insights.tests.factories import declaration_with_lines, product
from relais.network.services import segment_create
from relais.network.tests.factories import PartnerFactory
from tests.browser.support import has_no_horizontal_scroll, login, screenshot

pytestmark = pytest.mark.browser

QUERY = "?start=2025-11&end=2026-01"


@pytest.fixture
def network(brand, partner):
    """The partner plus six others in Bretagne (a segment), and one big partner elsewhere."""
    drill = product(brand, "Drills", name="Perceuse 18V")
    declaration_with_lines(
        partner=partner,
        lines=[{"product": drill, "quantity": 30, "amount": 3000, "sale_date": dt.date(2026, 1, 5)}],
    )
    for i in range(6):
        declaration_with_lines(
            partner=PartnerFactory(brand=brand, region="Bretagne"),
            lines=[{"product": drill, "quantity": 10 + i, "amount": 1000, "sale_date": dt.date(2026, 1, 5)}],
        )
    declaration_with_lines(
        partner=PartnerFactory(brand=brand, region="Occitanie"),
        lines=[{"product": drill, "quantity": 500, "amount": 50000, "sale_date": dt.date(2026, 1, 5)}],
    )
    partner.region = "Bretagne"
    partner.save()
    segment = segment_create(brand=brand, name="Bretagne", rules={"region": ["Bretagne"]})
    rollup_refresh(brand=brand)
    return segment


def month_units(page: Page) -> list[int]:
    return page.evaluate("document.getElementById('chart-month').relaisChart.data.datasets[0].data")


def test_brand_filters_the_dashboard_by_segment_and_the_chart_changes(page: Page, brand_admin, network):
    login(page, brand_admin.email, PASSWORD)
    page.goto(f"/brand/insights/{QUERY}")
    expect(page.get_by_test_id("insights-dashboard")).to_be_visible()
    page.wait_for_function(
        "document.getElementById('chart-month') && document.getElementById('chart-month').relaisChart"
    )
    assert month_units(page) == [0, 0, 30 + sum(range(10, 16)) + 500]

    page.get_by_test_id("segment-filter").select_option(str(network.pk))

    expect(page.get_by_test_id("dashboard-figures")).to_have_attribute("data-segment", str(network.pk))
    page.wait_for_function(
        "document.getElementById('chart-month').relaisChart.data.datasets[0].data[2] === 105"
    )
    assert month_units(page) == [0, 0, 30 + sum(range(10, 16))]
    expect(page.get_by_test_id("total-units")).to_have_text("105")
    screenshot(page, "insights-dashboard-segment")


def test_partner_sees_its_benchmark_on_a_phone(phone_page: Page, partner_admin, network):
    login(phone_page, partner_admin.email, PASSWORD)
    phone_page.goto(f"/portal/insights/{QUERY}")
    expect(phone_page.get_by_test_id("partner-insights")).to_be_visible()
    table = phone_page.get_by_test_id(f"benchmark-{network.pk}")
    expect(table).to_be_visible()
    # The six others sold 10..15 units: median 12.5, shown rounded (half to even) to two significant figures.
    expect(table.get_by_test_id("median-units")).to_have_text("≈ 12")
    expect(table.locator("[data-quartile='4']").first).to_be_visible()
    expect(phone_page.get_by_test_id("my-units")).to_have_text("30")
    assert "500" not in phone_page.get_by_test_id("benchmarks").inner_text()
    assert has_no_horizontal_scroll(phone_page), phone_page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    screenshot(phone_page, "insights-partner-phone")

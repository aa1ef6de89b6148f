"""A brand admin builds a segment in the browser: the live count follows the ticks, the saved segment agrees."""

import pytest
from playwright.sync_api import Page, expect

from relais.accounts.tests.factories import PASSWORD
from relais.network.models import PartnerKind, Segment
from relais.network.tests.factories import PartnerFactory
from tests.browser.support import has_no_horizontal_scroll, login, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def network(brand, other_brand):
    """Three French resellers (the segment), and partners that must stay out of it."""
    for name in ("Quincaillerie Martin", "Brico Lyon", "Outils du Nord"):
        PartnerFactory(brand=brand, name=name, kind=PartnerKind.RESELLER, country="FR")
    PartnerFactory(brand=brand, name="Gamma Bruxelles", kind=PartnerKind.RESELLER, country="BE", region="")
    PartnerFactory.create_batch(2, brand=brand, kind=PartnerKind.DISTRIBUTOR, country="FR")
    # Another brand's French reseller: never counted, never even offered.
    PartnerFactory(brand=other_brand, name="Globex Paris", kind=PartnerKind.RESELLER, country="FR")


def test_brand_admin_creates_a_segment_and_sees_its_member_count(page: Page, brand_admin, network):
    login(page, brand_admin.email, PASSWORD)
    page.goto("/brand/segments/new/")
    live_count = page.get_by_test_id("segment-live-count")
    expect(live_count).to_have_text("6")  # no rule yet: the whole network of the brand

    page.fill("input[name=name]", "Revendeurs France")
    page.check("input[name=kind][value=reseller]")
    expect(live_count).to_have_text("4")
    page.check("input[name=country][value=FR]")
    expect(live_count).to_have_text("3")
    expect(page.get_by_test_id("segment-live-sample")).to_contain_text("Brico Lyon")
    expect(page.get_by_test_id("segment-live-sample")).not_to_contain_text("Globex")
    screenshot(page, "segment-editor-desktop")

    page.get_by_test_id("segment-save").click()

    page.wait_for_url("**/brand/segments/*/")
    expect(page.get_by_test_id("segment-member-count")).to_have_text("3")
    segment = Segment.objects.get(name="Revendeurs France")
    assert page.url.endswith(f"/brand/segments/{segment.pk}/")
    screenshot(page, "segment-detail-desktop")


def test_the_brand_back_office_menu_fits_a_phone(phone_page: Page, brand_admin, network):
    login(phone_page, brand_admin.email, PASSWORD)
    phone_page.goto("/brand/segments/new/")
    assert has_no_horizontal_scroll(phone_page)

    phone_page.get_by_test_id("menu-toggle").click()

    expect(phone_page.get_by_role("link", name="Segments", exact=True).first).to_be_visible()
    expect(phone_page.get_by_test_id("logout")).to_be_visible()
    assert has_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "segment-editor-phone-menu")

"""Promotions and store checks in a real browser: a partner on a phone sees an upcoming promotion and sends
a store visit with a photo; the brand reviews it and the visit is reviewed."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import FilePayload, Page, expect

from relais.accounts.tests.factories import PASSWORD
from relais.merchandising.models import StoreVisit, VisitAnswer
from relais.merchandising.photos import png_image
from relais.merchandising.tests.factories import checklist_with_items
from relais.promotions.tests.factories import PromotionFactory
from tests.browser.support import has_no_horizontal_scroll, login, screenshot

pytestmark = pytest.mark.browser


def test_a_partner_on_a_phone_sees_an_upcoming_promotion_and_sends_a_visit_the_brand_reviews(
    phone_page: Page, page: Page, brand, partner, partner_seller, brand_admin
):
    today = timezone.localdate()
    PromotionFactory(
        brand=brand,
        name="Soldes d'hiver",
        announce_from=today - dt.timedelta(days=2),
        start=today + dt.timedelta(days=8),
        end=today + dt.timedelta(days=30),
        price_message="-15 % pour vos clients",
    )
    checklist = checklist_with_items(brand, name="Relevé vitrine des Fêtes")
    login(phone_page, partner_seller.email, PASSWORD)

    phone_page.goto("/portal/promotions/")
    upcoming = phone_page.get_by_test_id("my-promotion-upcoming")
    expect(upcoming).to_contain_text("Soldes d'hiver")
    expect(upcoming).to_contain_text("-15 % pour vos clients")
    assert has_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "my-promotions-phone")

    phone_page.goto("/portal/visits/")
    phone_page.get_by_test_id("visit-start").click()
    phone_page.get_by_test_id("item-1-yes").check()
    phone_page.get_by_test_id("item-2-number").fill("9")
    phone_page.get_by_test_id("item-3-photo").set_input_files(
        files=[FilePayload(name="vitrine.png", mimeType="image/png", buffer=png_image(width=40, height=30))]
    )
    phone_page.get_by_test_id("visit-submit").click()

    expect(phone_page.get_by_test_id("visit-status")).to_have_text("Awaiting review")
    expect(phone_page.get_by_test_id("answer-photo")).to_be_visible()
    assert has_no_horizontal_scroll(phone_page)
    visit = StoreVisit.objects.get(partner=partner, checklist=checklist)

    login(page, brand_admin.email, PASSWORD)
    page.goto(f"/merchandising/visits/{visit.pk}/")
    expect(page.get_by_test_id("answer-photo")).to_be_visible()
    page.get_by_test_id("accept-1").check()
    page.get_by_test_id("accept-2").check()
    page.get_by_test_id("reject-3").check()
    page.locator(f"input[name=comment_{visit.answers.get(item__kind='photo').pk}]").fill("Vitrine incomplète")
    page.get_by_test_id("visit-review-save").click()

    expect(page.get_by_test_id("visit-status")).to_have_text("Reviewed")
    assert VisitAnswer.objects.get(visit=visit, item__kind="photo").comment == "Vitrine incomplète"
    screenshot(page, "store-visit-reviewed")

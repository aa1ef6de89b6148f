"""A partner user on a phone: the portal home fits the screen and the UI switches to French."""

import pytest
from playwright.sync_api import Page, expect

from relais.accounts.tests.factories import PASSWORD
from tests.browser.support import has_no_horizontal_scroll, login, screenshot, stylesheet_applied

pytestmark = pytest.mark.browser


def test_partner_reaches_the_portal_home_on_a_phone_without_horizontal_scroll(
    phone_page: Page, partner_admin, partner
):
    login(phone_page, partner_admin.email, PASSWORD)

    expect(phone_page.get_by_test_id("portal-home")).to_have_text(partner.name)
    assert stylesheet_applied(phone_page)
    assert has_no_horizontal_scroll(phone_page), phone_page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    screenshot(phone_page, "portal-home-phone")


def test_language_switch_turns_the_portal_to_french(phone_page: Page, partner_admin, partner):
    login(phone_page, partner_admin.email, PASSWORD)
    expect(phone_page.locator("html")).to_have_attribute("lang", "en")

    with phone_page.expect_navigation():
        phone_page.select_option("header.app-bar select[name=language]", "fr")

    expect(phone_page.locator("html")).to_have_attribute("lang", "fr")
    expect(phone_page.get_by_test_id("portal-home")).to_have_text(partner.name)
    phone_page.get_by_test_id("menu-toggle").click()
    # Both strings come from Relais' own French catalogue (Django's would say "Déconnexion").
    expect(phone_page.get_by_role("link", name="Mon espace")).to_be_visible()
    expect(phone_page.get_by_test_id("logout")).to_have_text("Se déconnecter")
    assert has_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "portal-home-phone-fr")

    # The choice sticks across pages.
    phone_page.goto("/portal/")
    expect(phone_page.locator("html")).to_have_attribute("lang", "fr")


def test_the_phone_menu_collapses_behind_one_button(phone_page: Page, partner_admin):
    login(phone_page, partner_admin.email, PASSWORD)
    menu = phone_page.get_by_test_id("app-menu")
    expect(menu).to_be_hidden()

    phone_page.get_by_test_id("menu-toggle").click()

    expect(menu).to_be_visible()
    expect(phone_page.get_by_role("link", name="My space")).to_be_visible()
    assert has_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "portal-menu-open-phone")

    phone_page.get_by_test_id("logout").click()
    phone_page.wait_for_url("**/accounts/login/")

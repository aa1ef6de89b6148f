"""Logging in through the real form: errors are shown, a good password lands on the role's home."""

import pytest
from playwright.sync_api import Page, expect

from relais.accounts.tests.factories import PASSWORD
from tests.browser.support import has_no_horizontal_scroll, login, screenshot, stylesheet_applied

pytestmark = pytest.mark.browser


def test_wrong_password_shows_the_error_and_stays_on_the_login_page(page: Page, brand_admin):
    page.goto("/accounts/login/")
    page.fill("input[name=email]", brand_admin.email)
    page.fill("input[name=password]", "not-the-password")
    page.click("[data-testid=login-submit]")

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("E-mail or password is incorrect.")
    assert "/accounts/login/" in page.url
    expect(page.locator("input[name=email]")).to_have_value(brand_admin.email)
    assert stylesheet_applied(page), "relais.css did not load: the live server is not serving static files"
    screenshot(page, "login-error-desktop")


def test_empty_form_shows_field_errors(page: Page, db):
    page.goto("/accounts/login/")
    page.click("[data-testid=login-submit]")

    expect(page.locator(".errorlist")).to_have_count(2)
    expect(page.locator(".errorlist").first).to_contain_text("This field is required.")


def test_brand_admin_logs_in_and_lands_on_the_brand_dashboard(page: Page, brand_admin):
    login(page, brand_admin.email, PASSWORD)

    assert page.url.endswith("/brand/")
    expect(page.get_by_test_id("current-user")).to_have_text(brand_admin.email)
    screenshot(page, "brand-home-desktop")


def test_login_errors_fit_a_phone(phone_page: Page, partner_admin):
    phone_page.goto("/accounts/login/")
    phone_page.fill("input[name=email]", partner_admin.email)
    phone_page.fill("input[name=password]", "wrong")
    phone_page.click("[data-testid=login-submit]")

    expect(phone_page.get_by_role("alert")).to_contain_text("E-mail or password is incorrect.")
    assert has_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "login-error-phone")


@pytest.mark.parametrize(
    ("width", "language", "dashboard"), [(1200, "en", "Dashboard"), (1280, "fr", "Tableau de bord")]
)
def test_the_brand_app_bar_fits_a_laptop_screen(browser, live_url, brand_admin, width, language, dashboard):
    context = browser.new_context(base_url=live_url, viewport={"width": width, "height": 800})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_url}])
    page = context.new_page()
    try:
        login(page, brand_admin.email, PASSWORD)

        expect(page.get_by_role("link", name=dashboard)).to_be_visible()
        assert has_no_horizontal_scroll(page)
        screenshot(page, f"brand-home-{width}-{language}")
    finally:
        context.close()

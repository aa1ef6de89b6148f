"""The brand's integrations in a real browser: the brand admin creates a scoped API key and a webhook
endpoint (each secret shown once), sets the retention of customer feedback and erases a partner user."""

import pytest
from playwright.sync_api import Page, expect

from relais.accounts.models import Role, User
from relais.accounts.tests.factories import PASSWORD, partner_user
from relais.api.models import BrandApiKey
from relais.privacy.services import feedback_retention_months
from relais.webhooks.models import WebhookEndpoint
from tests.browser.support import login, screenshot

pytestmark = pytest.mark.browser


def test_the_brand_admin_sets_up_integrations_and_erases_a_person(page: Page, brand, brand_admin, partner):
    seller = partner_user(partner, role=Role.PARTNER_SELLER, email="jeanne.morel@quincaillerie.fr")
    login(page, brand_admin.email, PASSWORD)

    page.goto("/brand/api-keys/")
    page.get_by_label("Name").fill("ERP nightly export")
    page.get_by_label("Read validated sell-out").check()
    page.get_by_role("button", name="Create a key").click()
    expect(page.get_by_test_id("new-key")).to_be_visible()
    assert page.get_by_test_id("new-key-text").input_value().startswith("rb_")
    assert BrandApiKey.objects.get(brand=brand).scopes == ["sellout:read"]

    page.get_by_role("link", name="Webhooks").first.click()
    page.get_by_label("URL").fill("https://erp.example.com/relais")
    page.get_by_label("Declaration validated").check()
    page.get_by_role("button", name="Add the endpoint").click()
    expect(page.get_by_test_id("new-secret")).to_be_visible()
    assert page.get_by_test_id("new-secret-text").input_value().startswith("whsec_")
    assert WebhookEndpoint.objects.get(brand=brand).events == ["declaration.validated"]
    screenshot(page, "webhooks")

    page.get_by_role("link", name="Personal data").first.click()
    page.get_by_label("Keep customer feedback for (months)").fill("12")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The retention is saved.")).to_be_visible()
    page.get_by_role("searchbox").fill("jeanne")
    page.get_by_role("button", name="Search").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Erase").click()
    expect(page.get_by_text("The person's personal data is erased.")).to_be_visible()

    assert feedback_retention_months(brand=brand) == 12
    erased = User.objects.get(pk=seller.pk)
    assert (erased.email, erased.is_active) == (f"erased-{seller.pk}@invalid", False)

"""A fresh brand set up end to end from a browser: the operator creates it with its admin, the admin accepts
the e-mailed invitation, sets the brand up, uploads its catalogue and partners, invites a partner admin from a
file, who logs in through the e-mailed link and lands in the partner portal."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import FilePayload, Page, expect

from relais.accounts.tests.factories import PASSWORD
from relais.catalog.models import Product
from relais.core.models import Brand
from relais.incentives.selectors import incentive_settings_of
from relais.network.models import PartnerCompany
from tests.browser.support import login

pytestmark = pytest.mark.browser

CATALOGUE = "gtin;désignation;famille;prix\n4006381333931;Perceuse 18V;Outillage;129,90\n".encode()
PARTNERS = b"code;nom;type;pays;ville\nN200;Quincaillerie du Port;revendeur;FR;Brest\n"
INVITATIONS = b"email;code partenaire;role\nyann@port.test;N200;partner_admin\n"


def _accept_link(address: str) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [address])
    url = re.search(r"https?://\S+/accounts/invitations/\S+/", str(message.body))
    assert url, message.body
    return url.group(0)[url.group(0).index("/accounts/") :]


def _accept(page: Page, link: str, first_name: str) -> None:
    page.goto(link)
    page.fill("input[name=first_name]", first_name)
    page.fill("input[name=last_name]", "Le Goff")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("[data-testid=invitation-accept]")
    page.wait_for_url(lambda url: "/accounts/invitations/" not in url)


def _upload(page: Page, link_testid: str, name: str, content: bytes) -> None:
    page.goto("/brand/settings/")
    page.click(f"[data-testid={link_testid}]")
    page.set_input_files(
        "[data-testid=import-file]", FilePayload(name=name, mimeType="text/csv", buffer=content)
    )
    page.click("[data-testid=import-preview]")
    expect(page.get_by_test_id("import-created")).to_have_text("1")
    page.click("[data-testid=import-confirm]")
    expect(page.get_by_text("Import done.")).to_be_visible()


def test_a_fresh_brand_is_set_up_from_the_browser(page: Page, operator, live_url):
    login(page, operator.email, PASSWORD)
    page.goto("/operator/")
    page.fill("input[name=name]", "Initech Outillage")
    page.fill("input[name=slug]", "initech")
    page.fill("input[name=currency]", "EUR")
    page.fill("input[name=admin_email]", "boss@initech.test")
    page.click("[data-testid=brand-create]")
    expect(page.get_by_test_id("brand-row-initech")).to_be_visible()
    page.click("[data-testid=logout]")

    _accept(page, _accept_link("boss@initech.test"), "Bill")
    expect(page).to_have_url(re.compile(r"/brand/$"))
    page.click("[data-testid=nav-brand-settings]")
    page.fill("input[name=holding_days]", "21")
    page.fill("input[name=currency]", "CHF")
    page.click("[data-testid=brand-settings-save]")
    expect(page.get_by_text("Settings saved.")).to_be_visible()
    brand = Brand.objects.get(slug="initech")
    assert brand.currency == "CHF"
    assert incentive_settings_of(brand_id=brand.pk).holding_days == 21

    _upload(page, "link-catalog-upload", "catalogue.csv", CATALOGUE)
    assert Product.objects.filter(brand=brand).count() == 1
    _upload(page, "link-partner-upload", "partenaires.csv", PARTNERS)
    assert PartnerCompany.objects.filter(brand=brand, code="N200").exists()
    _upload(page, "link-invitations-upload", "invitations.csv", INVITATIONS)
    page.goto("/brand/settings/")
    page.click("[data-testid=link-audit]")
    expect(page.get_by_test_id("audit-entries")).to_contain_text("brand.settings_changed")
    expect(page.get_by_test_id("audit-entries")).to_contain_text("partner.imported")
    page.click("[data-testid=logout]")

    _accept(page, _accept_link("yann@port.test"), "Yann")
    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.locator("main")).to_contain_text("Quincaillerie du Port")

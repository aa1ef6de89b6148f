"""A distributor in the browser: it logs in, finds its resellers' declarations from the portal home, declares
for a reseller (the form, then a file with a reseller code column), and the brand's figures count once a
sale that both the distributor and the reseller declared, in either order."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import FilePayload, Page, expect

from relais.accounts.models import Role
from relais.accounts.tests.factories import PASSWORD, partner_user
from relais.followups.declarations import declaration_counted
from relais.network.tests.factories import PartnerFactory
from relais.sellout.models import Declaration, DeclarationLine, Source
from relais.sellout.services import declaration_create, declaration_lines_add, declaration_submit
from relais.sellout.tests.factories import catalogue
from tests.browser.support import login, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def network(brand):
    """A marked distributor, two of its resellers and a partner of the brand it does not distribute."""
    distributor = PartnerFactory(
        brand=brand, code="D001", name="Distri Ouest", kind="distributor", is_distributor=True
    )
    reseller = PartnerFactory(brand=brand, code="R101", name="Quincaillerie Lebrun", parent=distributor)
    PartnerFactory(brand=brand, code="R102", name="Outils Moreau", parent=distributor)
    PartnerFactory(brand=brand, code="R900", name="Brico Sud")
    return distributor, reseller


def _declared_by_reseller(reseller, product, day, quantity: int) -> Declaration:
    """The reseller's own declaration of one sale, counted as the portal's doors count it."""
    start = day.replace(day=1)
    declaration = declaration_create(partner=reseller, period_start=start, period_end=day, source=Source.FORM)
    declaration_lines_add(
        declaration=declaration,
        rows=[
            {
                "gtin": product.gtin,
                "quantity": quantity,
                "amount": product.list_price * quantity,
                "sale_date": day,
                "invoice_ref": "F-1",
            }
        ],
    )
    declaration = declaration_submit(declaration=declaration)
    declaration_counted(declaration=declaration)
    return declaration


def test_a_distributor_declares_for_its_reseller_and_the_brand_counts_each_sale_once(
    page: Page, brand, brand_admin, network
):
    distributor, reseller = network
    distributor_admin = partner_user(distributor, email="admin@distri-ouest.test", role=Role.PARTNER_ADMIN)
    reseller_admin = partner_user(reseller, email="admin@lebrun.test", role=Role.PARTNER_ADMIN)
    drill, saw, lamp = catalogue(brand, count=3, list_price=Decimal("20.00"))
    today = timezone.localdate()
    # Given the reseller declared one sale itself: 2 drills on invoice F-1 (40.00)
    _declared_by_reseller(reseller, drill, today, quantity=2)

    # The distributor logs in and reaches its resellers from the portal home
    login(page, distributor_admin.email, PASSWORD)
    page.goto("/portal/")
    page.get_by_test_id("portal-resellers").locator("a").click()
    totals = page.get_by_test_id("reseller-totals")
    expect(totals.locator("[data-testid=reseller-row]")).to_have_count(2)
    expect(totals).not_to_contain_text("Brico Sud")
    lebrun = totals.locator("[data-testid=reseller-row]", has_text="Quincaillerie Lebrun")
    expect(lebrun).to_contain_text("40.00")
    expect(page.get_by_test_id("reseller-declarations")).to_contain_text("the reseller")
    screenshot(page, "distributor-resellers")

    # It declares for the reseller by the form: the same 2 drills again, and 1 saw the reseller has not declared
    page.get_by_test_id("declare-on-behalf").click()
    form = page.get_by_test_id("on-behalf-form")
    form.locator("select[name=reseller]").select_option(str(reseller.pk))
    page.fill("input[name=period_start]", today.replace(day=1).isoformat())
    page.fill("input[name=period_end]", today.isoformat())
    for index, (product, quantity, amount) in enumerate([(drill, "2", "40.00"), (saw, "1", "20.00")]):
        line = page.get_by_test_id(f"line-{index}")
        line.locator(f"input[name=line-{index}-gtin]").fill(product.gtin)
        line.locator(f"input[name=line-{index}-sale_date]").fill(today.isoformat())
        line.locator(f"input[name=line-{index}-quantity]").fill(quantity)
        line.locator(f"input[name=line-{index}-amount]").fill(amount)
    page.fill("input[name=line-0-invoice_ref]", "F-1")
    page.get_by_test_id("on-behalf-submit").click()

    # The repeated sale is recognised: one line declared, one already declared (by the reseller)
    expect(page.get_by_test_id("outcome")).to_contain_text("1 lines declared, 1 already declared")
    expect(page.get_by_test_id("row-errors")).to_contain_text("already declared by Quincaillerie Lebrun")
    screenshot(page, "distributor-declare-duplicate")

    # Then a file with a reseller code column: a lamp for the reseller, and a row for a partner it does not
    # distribute, refused with its row
    page.goto("/portal/resellers/")
    page.get_by_test_id("import-on-behalf").click()
    day = today.strftime("%d/%m/%Y")
    text = (
        "Code revendeur;EAN;Qte;Date;Montant\n"
        f"R101;{lamp.gtin};1;{day};20,00\n"
        f"R900;{lamp.gtin};1;{day};20,00\n"
    )
    page.set_input_files(
        "input[name=file]",
        files=[FilePayload(name="ventes-revendeurs.csv", mimeType="text/csv", buffer=text.encode())],
    )
    page.get_by_test_id("upload-submit").click()
    expect(page.locator("select[name=map_reseller_code]")).to_have_value("Code revendeur")
    for field, column in [("gtin", "EAN"), ("quantity", "Qte"), ("sale_date", "Date"), ("amount", "Montant")]:
        page.locator(f"select[name=map_{field}]").select_option(column)
    page.get_by_test_id("mapping-submit").click()
    expect(page.get_by_test_id("outcome")).to_be_visible()
    expect(page.get_by_test_id("row-errors")).to_contain_text("R900")

    # The reseller, later, declares the saw the distributor already sent: the portal says it is known
    page.context.clear_cookies()
    login(page, reseller_admin.email, PASSWORD)
    page.goto("/portal/declarations/")
    page.fill("input[name=period_start]", today.replace(day=1).isoformat())
    page.fill("input[name=period_end]", today.isoformat())
    page.get_by_test_id("declaration-new").locator("button[type=submit]").click()
    expect(page.get_by_test_id("line-entry")).to_be_visible()
    page.get_by_test_id("product-search").fill(saw.gtin)
    page.fill("input[name=line-quantity]", "1")
    page.fill("input[name=line-amount]", "20.00")
    page.fill("input[name=line-sale_date]", today.isoformat())
    page.get_by_test_id("add-line").click()
    expect(page.get_by_test_id("line-duplicate")).to_be_visible()
    screenshot(page, "distributor-reseller-duplicate")

    # The brand's figures: drill 40 + saw 20 + lamp 20, each sale once (not 40 + 40 + 20 + 20 + 20)
    stored = DeclarationLine.objects.filter(partner=reseller).exclude(declaration__status="draft")
    assert sorted(stored.values_list("gtin", flat=True)) == sorted([drill.gtin, saw.gtin, lamp.gtin])
    page.context.clear_cookies()
    login(page, brand_admin.email, PASSWORD)
    page.goto("/brand/")
    expect(page.get_by_test_id("sellout-this-month")).to_have_text("80")
    page.goto("/brand/declarations/")
    expect(page.get_by_test_id("declarations")).to_contain_text("Quincaillerie Lebrun")
    screenshot(page, "distributor-brand-figures")

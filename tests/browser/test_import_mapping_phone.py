"""The import's mapping preview of a ten-column file on a 390 px phone: one card per sample row, the
mapping as one block per field, and no text squeezed narrower than its longest word."""

import pytest
from playwright.sync_api import FilePayload, Page, expect

from relais.accounts.tests.factories import PASSWORD
from relais.catalog.tests.factories import ProductFactory
from tests.browser.support import has_no_horizontal_scroll, login, screenshot

pytestmark = pytest.mark.browser

# Every visible element holding text of its own: is its content box narrower than its longest word, as
# drawn in its own font? Returns what is squeezed (tag, word, word width, box width) so a failure says where.
SQUEEZED_TEXT_JS = """
() => {
  const canvas = document.createElement("canvas").getContext("2d");
  const squeezed = [];
  for (const el of document.querySelectorAll("main *")) {
    const own = [...el.childNodes].filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.textContent).join(" ");
    const words = own.split(/\\s+/).filter(Boolean);
    if (!words.length || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") continue;
    canvas.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const box = el.clientWidth ? el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)
                               : el.getBoundingClientRect().width;
    for (const word of words) {
      const width = canvas.measureText(word).width;
      if (width > box + 1) squeezed.push([el.tagName, word, Math.round(width), Math.round(box)]);
    }
  }
  return squeezed;
}
"""


def ten_column_file(drill, saw) -> bytes:
    lines = [
        "Date de vente;Code EAN;Désignation;Qté vendue;Prix unitaire HT;Montant HT;N° facture;"
        "Magasin;Type de client;Code postal client",
        f"03/10/2026;{drill.gtin};Perceuse-visseuse brushless 18V;2;1 119,90;2 239,80;F-2026-10001;"
        "Lyon Gerland;professionnel;69007",
        f"04/10/2026;{saw.gtin};Scie sauteuse pendulaire;1;79,00;79,00;F-2026-10002;Villeurbanne;particulier;69100",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def test_a_ten_column_mapping_preview_fits_a_phone_without_squeezed_words(
    phone_page: Page, brand, partner_seller
):
    drill = ProductFactory(brand=brand, name="Perceuse 18V", list_price="120.00")
    saw = ProductFactory(brand=brand, name="Scie sauteuse", list_price="80.00")
    page = phone_page
    login(page, partner_seller.email, PASSWORD)
    page.goto("/portal/declarations/")
    page.get_by_test_id("upload-link").click()
    page.set_input_files(
        "input[name=file]",
        files=[FilePayload(name="ventes.csv", mimeType="text/csv", buffer=ten_column_file(drill, saw))],
    )
    page.get_by_test_id("upload-submit").click()
    expect(page.get_by_test_id("mapping-form")).to_be_visible()

    cards = page.get_by_test_id("sample-cards").locator("article")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("F-2026-10001")
    expect(page.get_by_test_id("sample-rows")).to_be_hidden()
    assert page.evaluate(SQUEEZED_TEXT_JS) == []
    assert has_no_horizontal_scroll(page)
    screenshot(page, "import-mapping-phone")


def test_on_a_desktop_the_preview_is_the_table(page: Page, brand, partner_seller):
    drill = ProductFactory(brand=brand, name="Perceuse 18V")
    saw = ProductFactory(brand=brand, name="Scie sauteuse")
    login(page, partner_seller.email, PASSWORD)
    page.goto("/portal/declarations/")
    page.get_by_test_id("upload-link").click()
    page.set_input_files(
        "input[name=file]",
        files=[FilePayload(name="ventes.csv", mimeType="text/csv", buffer=ten_column_file(drill, saw))],
    )
    page.get_by_test_id("upload-submit").click()
    expect(page.get_by_test_id("sample-rows")).to_be_visible()
    expect(page.get_by_test_id("sample-rows").locator("tbody tr")).to_have_count(2)
    expect(page.get_by_test_id("sample-cards")).to_be_hidden()

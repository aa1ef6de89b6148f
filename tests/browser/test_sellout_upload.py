"""A partner sends its own sales file from a phone: proposed mapping, confirmation, live progress bar,
then the accepted / rejected counts and the rejected lines."""

import threading

import pytest
from playwright.sync_api import FilePayload, Page, expect

from relais.accounts.tests.factories import PASSWORD
from relais.catalog.tests.factories import ProductFactory
from relais.core import jobs
from relais.sellout.models import SelloutImport
from tests.browser.support import has_no_horizontal_scroll, login, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def held_import_job(settings, monkeypatch):
    """Run imports in the background worker (as in production) and hold each one until released, so the
    page is seen with the job still under way and its progress bar polling."""
    settings.RELAIS_TASK_BACKEND = "inprocess"
    release = threading.Event()
    real_handler = jobs._handler_for("sellout_import")

    def held(job):
        release.wait(timeout=30)
        return real_handler(job)

    monkeypatch.setitem(jobs._HANDLERS, "sellout_import", held)
    yield release
    release.set()
    jobs.job_wait_idle(timeout=30)


def sales_file(drill, saw) -> bytes:
    lines = [
        "Date de vente;Code EAN;Désignation;Qté vendue;Prix unitaire HT;N° facture",
        f"03/10/2026;{drill.gtin};Perceuse;2;119,90;F-1001",
        f"04/10/2026;{saw.gtin};Scie;1;79,00;F-1002",
        "05/10/2026;1234567890123;Inconnu;1;10,00;F-1003",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def test_partner_uploads_confirms_mapping_and_sees_progress_then_counts(
    phone_page: Page, brand, partner_seller, held_import_job
):
    drill = ProductFactory(brand=brand, name="Perceuse 18V", list_price="120.00")
    saw = ProductFactory(brand=brand, name="Scie sauteuse", list_price="80.00")
    page = phone_page
    login(page, partner_seller.email, PASSWORD)

    page.goto("/portal/declarations/")
    page.get_by_test_id("upload-link").click()
    page.set_input_files(
        "input[name=file]",
        files=[FilePayload(name="ventes-octobre.csv", mimeType="text/csv", buffer=sales_file(drill, saw))],
    )
    page.get_by_test_id("upload-submit").click()

    # The proposed mapping: each field with its column preselected and a confidence.
    expect(page.get_by_test_id("mapping-form")).to_be_visible()
    expect(page.locator("select[name=map_gtin]")).to_have_value("Code EAN")
    expect(page.locator("select[name=map_quantity]")).to_have_value("Qté vendue")
    expect(page.get_by_test_id("sample-rows")).to_contain_text("F-1002")
    assert has_no_horizontal_scroll(page)
    page.locator("select[name=map_invoice_ref]").select_option("N° facture")
    page.get_by_test_id("mapping-confirm").click()

    # The job is under way: the progress bar is there and polls the job.
    progress = page.get_by_test_id("job-progress")
    expect(progress).to_be_visible()
    expect(page.locator("progress")).to_be_visible()
    assert SelloutImport.objects.get().status in {SelloutImport.Status.MAPPED, SelloutImport.Status.RUNNING}
    screenshot(page, "sellout-upload-progress-phone")

    held_import_job.set()

    result = page.get_by_test_id("import-result")
    expect(result).to_have_attribute("data-status", "done")
    expect(page.get_by_test_id("result-accepted")).to_have_text("2")
    expect(page.get_by_test_id("result-rejected")).to_have_text("1")
    expect(page.get_by_test_id("rejected-rows")).to_contain_text("1234567890123")
    expect(page.get_by_test_id("download-rejected")).to_be_visible()
    assert has_no_horizontal_scroll(page)
    screenshot(page, "sellout-upload-result-phone")

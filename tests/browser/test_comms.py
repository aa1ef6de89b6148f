"""The brand publishes a co-branded brochure and an announcement to a segment; a partner on a phone reads it
in its inbox, downloads its co-branded PDF (the file opens and carries the partner's name) and takes its order
e-mails as a daily digest."""

import io

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from relais.accounts.tests.factories import PASSWORD, partner_user
from relais.comms.cobrand import pdf_sample
from relais.comms.models import ContentItem, Delivery, Message, NotificationPreference
from relais.network.tests.factories import SegmentFactory, SegmentMembershipFactory
from tests.browser.support import has_no_horizontal_scroll, login, screenshot

pytestmark = pytest.mark.browser


def test_brand_publishes_a_cobranded_brochure_and_an_announcement_a_partner_reads_it_on_a_phone(
    page: Page, phone_page: Page, brand, brand_admin, partner, partner_admin, other_partner
):
    segment = SegmentFactory(brand=brand, name="Mono-marques")
    SegmentMembershipFactory(segment=segment, partner=partner)
    outsider = partner_user(other_partner, email="outsider@dupont.test")

    # The brand admin adds the brochure (a PDF template, co-branded) and approves it.
    login(page, brand_admin.email, PASSWORD)
    page.goto("/brand/library/new/")
    page.select_option("select[name=kind]", "brochure")
    page.fill("input[name=title]", "Gamme Pro 2027")
    page.check("input[name=co_branded]")
    page.set_input_files(
        "input[name=file]",
        {
            "name": "gamme-pro.pdf",
            "mimeType": "application/pdf",
            "buffer": pdf_sample(title="Gamme Pro 2027"),
        },
    )
    page.get_by_test_id("content-form").get_by_role("button", name="Save").click()
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("item-status")).to_have_text("Published")
    item = ContentItem.objects.get(brand=brand)

    # Then an announcement to the segment, with the brochure, sent now.
    page.goto("/brand/campaigns/new/")
    page.fill("input[name=subject_fr]", "La gamme Pro 2027 arrive")
    page.fill("textarea[name=body_fr]", "Votre **brochure** à votre nom est prête.")
    page.fill("input[name=subject_en]", "The Pro 2027 range is coming")
    page.fill("textarea[name=body_en]", "Your **brochure** with your name is ready.")
    page.check(f"input[name=segments][value='{segment.pk}']")
    page.check(f"input[name=content_items][value='{item.pk}']")
    page.get_by_test_id("campaign-form").get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("figure-recipients")).to_have_text("1")
    page.get_by_test_id("send").click()
    expect(page.get_by_test_id("campaign-status")).to_have_text("Sent")
    expect(page.get_by_test_id("figure-sent")).to_have_text("1")
    screenshot(page, "comms-campaign-sent")

    # The partner, on a phone, sees two unread messages in the menu (the new sales aid, the announcement)
    # and reads the announcement.
    login(phone_page, partner_admin.email, PASSWORD)
    phone_page.get_by_test_id("menu-toggle").click()
    expect(phone_page.get_by_test_id("unread-count")).to_have_text("2")
    phone_page.get_by_test_id("nav-inbox").click()
    phone_page.get_by_role("link", name="The Pro 2027 range is coming").click()
    expect(phone_page.get_by_test_id("message")).to_contain_text("Your brochure with your name is ready.")
    assert has_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "comms-inbox-message-phone")
    assert Delivery.objects.get(user=partner_admin, message__code="").read_at is not None

    # And downloads its co-branded PDF: it opens and carries the partner's name.
    with phone_page.expect_download() as download_info:
        phone_page.get_by_test_id(f"download-{item.pk}").click()
    pdf = PdfReader(io.BytesIO(open(download_info.value.path(), "rb").read()))  # noqa: SIM115
    assert partner.name in pdf.pages[0].extract_text()

    # The brand's figures count the read and the download; the partner outside the segment got nothing.
    page.reload()
    expect(page.get_by_test_id("figure-read")).to_have_text("1")
    expect(page.get_by_test_id("figure-downloads")).to_have_text("1")
    assert not Delivery.objects.filter(user=outsider, message__kind="announcement").exists()
    assert Message.objects.get(brand=brand, kind="announcement").recipient_count == 1

    # The partner, still on its phone, takes its order e-mails as a daily digest.
    phone_page.goto("/notifications/preferences/")
    phone_page.select_option("select[name=frequency-order_shipped]", "daily")
    phone_page.get_by_test_id("preferences").get_by_role("button", name="Save").click()
    expect(phone_page.locator("select[name=frequency-order_shipped]")).to_have_value("daily")
    assert (
        NotificationPreference.objects.get(user=partner_admin, kind="order_shipped").email_frequency
        == "daily"
    )

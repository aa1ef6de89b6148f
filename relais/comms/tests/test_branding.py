"""The brand's logo (its settings) heads its e-mails and co-brands its sales aids; without one, nothing
changes."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader

from relais.accounts.tests.factories import partner_user
from relais.comms.cobrand import pdf_sample
from relais.comms.services import (
    campaign_schedule,
    content_cobranded_pdf,
    content_item_approve,
    content_item_save,
    content_version_add,
)
from relais.comms.tests.factories import CampaignFactory
from relais.core.brand_settings import brand_settings_save


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 30), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _logo_set(brand, content):
    brand_settings_save(
        brand=brand,
        currency=brand.currency,
        languages=["en", "fr"],
        declaration_due_days=None,
        logo_content=content,
    )


def _campaign_sent(brand, capture):
    message = CampaignFactory(brand=brand)
    with capture(execute=True):
        campaign_schedule(message=message, at=None)


def test_an_email_of_a_brand_with_a_logo_carries_it_inline_in_its_header(
    brand, partner, smtp, django_capture_on_commit_callbacks
):
    # Given a brand with a logo in its settings
    logo = _png()
    _logo_set(brand, logo)
    reader = partner_user(partner, email="logo@martin.test", preferred_language="fr")
    # When a campaign is sent
    _campaign_sent(brand, django_capture_on_commit_callbacks)
    # Then the e-mail's HTML opens with the logo, carried inline (no remote image to load)
    (mail,) = smtp.to(reader.email)
    assert mail.message.get_content_type() == "multipart/related"
    assert '<img src="cid:brand-logo"' in mail.html()
    (image,) = [part for part in mail.message.walk() if part.get_content_type() == "image/png"]
    assert image["Content-ID"] == "<brand-logo>"
    assert image.get_content() == logo
    # And the text part and the message itself are unchanged
    assert "Lisez-le dans votre espace" in mail.text()


def test_an_email_of_a_brand_without_a_logo_has_no_image(
    brand, partner, smtp, django_capture_on_commit_callbacks
):
    reader = partner_user(partner, email="nologo@martin.test")
    _campaign_sent(brand, django_capture_on_commit_callbacks)
    (mail,) = smtp.to(reader.email)
    assert "cid:" not in mail.html()
    assert not [part for part in mail.message.walk() if part.get_content_maintype() == "image"]


def _cobranded(brand, brand_admin, partner, partner_admin) -> PdfReader:
    item = content_item_save(
        brand=brand,
        user=brand_admin,
        fields={"kind": "brochure", "title": "Gamme Pro 2027", "co_branded": True},
    )
    template = SimpleUploadedFile(
        "pro.pdf", pdf_sample(title="Gamme Pro 2027"), content_type="application/pdf"
    )
    content_version_add(item=item, user=brand_admin, file=template)
    content_item_approve(item=item, user=brand_admin)
    item.refresh_from_db()
    return PdfReader(io.BytesIO(content_cobranded_pdf(item=item, partner=partner, user=partner_admin)))


def test_a_co_branded_pdf_carries_the_brand_logo_beside_the_partner_block(
    brand, brand_admin, partner, partner_admin
):
    # Given a brand with a logo
    _logo_set(brand, _png())
    # When a partner downloads a co-branded brochure
    page = _cobranded(brand, brand_admin, partner, partner_admin).pages[0]
    # Then its band carries the logo (an image of the logo's size) with the partner's name
    (image,) = page.images
    assert image.image is not None and image.image.size == (80, 30)
    assert "Quincaillerie Martin" in page.extract_text()


def test_a_co_branded_pdf_of_a_brand_without_a_logo_has_no_image(brand, brand_admin, partner, partner_admin):
    page = _cobranded(brand, brand_admin, partner, partner_admin).pages[0]
    assert list(page.images) == []
    assert "Quincaillerie Martin" in page.extract_text()

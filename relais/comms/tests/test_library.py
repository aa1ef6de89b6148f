"""The sales-aid library: versions, the brand admin's approval, what a partner sees, the co-branded PDF."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from relais.accounts.tests.factories import partner_user
from relais.comms.cobrand import pdf_sample
from relais.comms.models import ContentItem, Delivery
from relais.comms.selectors import content_list_partner
from relais.comms.services import (
    content_cobranded_pdf,
    content_item_approve,
    content_item_save,
    content_version_add,
)
from relais.core.errors import ApplicationError
from relais.network.tests.factories import (
    PartnerFactory,
    SegmentFactory,
    SegmentMembershipFactory,
    SiteFactory,
)


def _brochure(brand, user, **fields):
    item = content_item_save(
        brand=brand,
        user=user,
        fields={
            "kind": "brochure",
            "title": "Gamme Pro 2027",
            "co_branded": True,
            **fields.pop("fields", {}),
        },
        **fields,
    )
    template = SimpleUploadedFile(
        "pro.pdf", pdf_sample(title="Gamme Pro 2027"), content_type="application/pdf"
    )
    content_version_add(item=item, user=user, file=template)
    return item


def test_a_sales_aid_reaches_partners_only_once_a_brand_admin_approved_it(
    brand, brand_admin, channel_manager, partner
):
    item = _brochure(brand, channel_manager)
    assert item.versions.count() == 1
    item.refresh_from_db()
    assert item.status == ContentItem.Status.PENDING
    assert not content_list_partner(partner=partner).exists()
    with pytest.raises(ApplicationError):
        content_item_approve(item=item, user=channel_manager)
    content_item_approve(item=item, user=brand_admin)
    assert list(content_list_partner(partner=partner)) == [item]


def test_a_new_version_waits_for_approval_and_partners_keep_the_approved_one(brand, brand_admin, partner):
    item = _brochure(brand, brand_admin, fields={"co_branded": False})
    content_item_approve(item=item, user=brand_admin)
    content_version_add(item=item, user=brand_admin, url="https://acme.example/v2")
    (seen,) = content_list_partner(partner=partner)
    assert seen.current_version is not None and seen.current_version.number == 1
    assert seen.status == ContentItem.Status.PENDING
    content_item_approve(item=item, user=brand_admin)
    (seen,) = content_list_partner(partner=partner)
    assert seen.current_version is not None and seen.current_version.number == 2


def test_segments_languages_and_dates_limit_what_a_partner_sees(brand, brand_admin, partner, other_partner):
    segment = SegmentFactory(brand=brand)
    SegmentMembershipFactory(segment=segment, partner=partner)
    today = dt.date(2026, 12, 2)
    targeted = _brochure(brand, brand_admin, segments=[segment])
    english = _brochure(brand, brand_admin, fields={"language": "en"})
    expired = _brochure(brand, brand_admin, fields={"valid_until": dt.date(2026, 11, 30)})
    for item in (targeted, english, expired):
        content_item_approve(item=item, user=brand_admin)
    assert set(content_list_partner(partner=partner, language="fr", today=today)) == {targeted}
    assert set(content_list_partner(partner=other_partner, language="en", today=today)) == {english}
    other_brand_partner = PartnerFactory()
    assert not content_list_partner(partner=other_brand_partner, today=today).exists()


def test_publishing_notifies_the_partners_who_can_see_it(
    brand, brand_admin, partner, other_partner, django_capture_on_commit_callbacks
):
    segment = SegmentFactory(brand=brand)
    SegmentMembershipFactory(segment=segment, partner=partner)
    member = partner_user(partner, email="member@martin.test")
    partner_user(other_partner, email="outsider@dupont.test")
    item = _brochure(brand, brand_admin, segments=[segment])
    with django_capture_on_commit_callbacks(execute=True):
        content_item_approve(item=item, user=brand_admin)
    assert list(
        Delivery.objects.filter(message__code="content_new").values_list("user__email", flat=True)
    ) == [member.email]


def test_the_co_branded_pdf_opens_and_carries_the_partner_name_and_contact(
    brand, brand_admin, partner, partner_admin
):
    SiteFactory(partner=partner, address="12 rue des Forges", postcode="69003", city="Lyon")
    item = _brochure(brand, brand_admin)
    content_item_approve(item=item, user=brand_admin)
    item.refresh_from_db()
    pdf = content_cobranded_pdf(item=item, partner=partner, user=partner_admin)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Quincaillerie Martin" in text
    assert "12 rue des Forges" in text and "owner@martin.test" in text
    assert "Gamme Pro 2027" in text  # the brand's template is still there


def test_a_co_branded_sales_aid_needs_a_pdf_template(brand, brand_admin):
    item = content_item_save(
        brand=brand, user=brand_admin, fields={"kind": "brochure", "title": "X", "co_branded": True}
    )
    with pytest.raises(ApplicationError):
        content_version_add(item=item, user=brand_admin, file=SimpleUploadedFile("x.pdf", b"not a pdf"))

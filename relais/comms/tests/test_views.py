"""Pages of communications, one HTTP test per page and role: the partner's inbox (unread count in the nav,
read receipts), library and co-branded download, preferences, the unsubscribe link; the brand's campaigns
and library editor."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from conftest import login_client
from relais.accounts.tests.factories import partner_user
from relais.comms.cobrand import pdf_sample
from relais.comms.models import ContentEvent, ContentItem, Delivery, Message, NotificationPreference
from relais.comms.services import (
    campaign_schedule,
    content_item_approve,
    content_item_save,
    content_version_add,
    unsubscribe_token,
)
from relais.comms.tests.factories import CampaignFactory
from relais.network.tests.factories import SegmentFactory


def _sent_campaign(brand, capture, **kwargs):
    message = CampaignFactory(brand=brand, **kwargs)
    with capture(execute=True):
        campaign_schedule(message=message, at=None)
    return message


def _cobranded(brand, user):
    item = content_item_save(
        brand=brand, user=user, fields={"kind": "brochure", "title": "Gamme Pro", "co_branded": True}
    )
    content_version_add(
        item=item, user=user, file=SimpleUploadedFile("pro.pdf", pdf_sample(title="Gamme Pro"))
    )
    return content_item_approve(item=item, user=user)


def test_the_inbox_shows_unread_messages_and_reading_one_records_the_receipt(
    brand, partner_admin, partner_client, django_capture_on_commit_callbacks
):
    message = _sent_campaign(brand, django_capture_on_commit_callbacks)
    page = partner_client.get(reverse("comms:inbox"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="unread-count"' in html and "Spring range" in html
    delivery = Delivery.objects.get(message=message, user=partner_admin)
    page = partner_client.get(reverse("comms:inbox_detail", args=[delivery.pk]))
    assert "<strong>spring</strong>" in page.content.decode()
    delivery.refresh_from_db()
    assert delivery.read_at is not None
    assert 'data-testid="unread-count"' not in partner_client.get(reverse("comms:inbox")).content.decode()


def test_a_partner_cannot_open_another_users_message(
    brand, partner_admin, partner_seller, django_capture_on_commit_callbacks
):
    message = _sent_campaign(brand, django_capture_on_commit_callbacks)
    theirs = Delivery.objects.get(message=message, user=partner_admin)
    response = login_client(partner_seller).get(reverse("comms:inbox_detail", args=[theirs.pk]))
    assert response.status_code == 404


def test_a_campaign_markdown_never_renders_raw_html(
    brand, partner_admin, partner_client, django_capture_on_commit_callbacks
):
    message = _sent_campaign(
        brand,
        django_capture_on_commit_callbacks,
        body_en="<script>alert(1)</script> [x](javascript:alert(1))",
    )
    delivery = Delivery.objects.get(message=message, user=partner_admin)
    html = partner_client.get(
        reverse("comms:inbox_detail", args=[delivery.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript:' not in html


def test_a_partner_downloads_its_co_branded_pdf_from_a_campaign_and_it_is_counted(
    brand, brand_admin, partner, partner_admin, partner_client
):
    item = _cobranded(brand, brand_admin)
    message = CampaignFactory(brand=brand)
    message.content_items.add(item)
    response = partner_client.get(reverse("comms:library_download", args=[item.pk]) + f"?m={message.pk}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Quincaillerie Martin" in PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    event = ContentEvent.objects.get(item=item)
    assert (event.partner, event.kind, event.message) == (partner, ContentEvent.Kind.DOWNLOAD, message)


def test_the_library_lists_and_searches_what_the_partner_may_see(brand, brand_admin, partner_client):
    _cobranded(brand, brand_admin)
    hidden = content_item_save(brand=brand, user=brand_admin, fields={"kind": "link", "title": "Draft aid"})
    assert hidden.status == ContentItem.Status.DRAFT
    html = partner_client.get(reverse("comms:library"), {"q": "gamme"}).content.decode()
    assert "Gamme Pro" in html and "Draft aid" not in html
    assert "Gamme Pro" not in partner_client.get(reverse("comms:library"), {"q": "zzz"}).content.decode()


def test_preferences_are_saved_per_kind(partner_admin, partner_client):
    response = partner_client.post(reverse("comms:preferences"), {"portal-order_shipped": "on"})
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=partner_admin, kind="order_shipped")
    assert pref.in_portal and not pref.by_email
    # E-mails of a kind can come as a daily digest
    partner_client.post(
        reverse("comms:preferences"), {"email-points_available": "on", "frequency-points_available": "daily"}
    )
    assert (
        NotificationPreference.objects.get(user=partner_admin, kind="points_available").email_frequency
        == "daily"
    )
    page = partner_client.get(reverse("comms:preferences")).content.decode()
    assert '<option value="daily" selected>' in page


def test_the_unsubscribe_link_works_without_login_and_refuses_a_forged_token(client, partner_admin):
    token = unsubscribe_token(user_id=partner_admin.pk)
    assert client.get(reverse("comms:unsubscribe", args=[token])).status_code == 200
    assert not NotificationPreference.objects.filter(user=partner_admin).exists()  # a GET changes nothing
    assert client.post(reverse("comms:unsubscribe", args=[token])).status_code == 200
    assert not NotificationPreference.objects.get(user=partner_admin, kind="marketing").by_email
    forged = f"{partner_admin.pk + 1}:{token.split(':', 1)[1]}"
    assert client.post(reverse("comms:unsubscribe", args=[forged])).status_code == 404


def test_the_brand_writes_targets_and_sends_a_campaign_and_sees_its_figures(
    brand, partner, partner_admin, admin_client_brand, django_capture_on_commit_callbacks
):
    segment = SegmentFactory(brand=brand)
    response = admin_client_brand.post(
        reverse("comms:campaign_new"),
        {
            "kind": "announcement",
            "category": "marketing",
            "subject_fr": "Nouveautés",
            "body_fr": "Texte",
            "segments": [segment.pk],
            "countries": "fr, be",
        },
    )
    assert response.status_code == 302
    message = Message.objects.get(brand=brand)
    assert message.countries == ["BE", "FR"] and list(message.segments.all()) == [segment]
    with django_capture_on_commit_callbacks(execute=True):
        admin_client_brand.post(reverse("comms:campaign_send", args=[message.pk]), {"at": ""})
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    page = admin_client_brand.get(reverse("comms:campaign_detail", args=[message.pk]))
    assert page.status_code == 200 and 'data-testid="figure-read"' in page.content.decode()
    assert admin_client_brand.get(reverse("comms:campaigns")).status_code == 200


def test_partners_cannot_reach_brand_pages_and_brands_cannot_see_each_others_campaigns(
    brand, other_brand, partner_client, admin_client_brand
):
    theirs = CampaignFactory(brand=other_brand)
    assert partner_client.get(reverse("comms:campaigns")).status_code == 403
    assert admin_client_brand.get(reverse("comms:campaign_detail", args=[theirs.pk])).status_code == 404


def test_the_brand_library_editor_creates_a_co_branded_item_and_approves_it(brand, admin_client_brand):
    response = admin_client_brand.post(
        reverse("comms:brand_library_new"),
        {
            "kind": "brochure",
            "title": "Catalogue 2027",
            "co_branded": "on",
            "file": SimpleUploadedFile("c.pdf", pdf_sample(title="C")),
        },
    )
    assert response.status_code == 302
    item = ContentItem.objects.get(brand=brand)
    assert item.status == ContentItem.Status.PENDING
    admin_client_brand.post(reverse("comms:brand_library_action", args=[item.pk, "approve"]))
    item.refresh_from_db()
    assert item.status == ContentItem.Status.PUBLISHED
    assert item.current_version is not None and item.current_version.number == 1
    assert admin_client_brand.get(reverse("comms:brand_library_detail", args=[item.pk])).status_code == 200
    assert admin_client_brand.get(reverse("comms:brand_library")).status_code == 200


def test_a_seller_sees_the_inbox_link_with_no_count_when_nothing_is_unread(brand, partner):
    seller = partner_user(partner, email="s@martin.test", role="partner_seller")
    html = login_client(seller).get(reverse("comms:inbox")).content.decode()
    assert 'data-testid="nav-inbox"' in html and 'data-testid="unread-count"' not in html

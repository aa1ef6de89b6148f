"""API: my inbox (list, mark read), my notification preferences, my company's sales-aid library."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from relais.api.services import api_key_create
from relais.comms.cobrand import pdf_sample
from relais.comms.models import Delivery, NotificationPreference
from relais.comms.services import (
    campaign_schedule,
    content_item_approve,
    content_item_save,
    content_version_add,
)
from relais.comms.tests.factories import CampaignFactory


@pytest.fixture
def api(partner, partner_admin):
    _key, text = api_key_create(partner=partner, name="ERP", created_by=partner_admin)
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}", HTTP_ACCEPT_LANGUAGE="fr")


def test_my_inbox_lists_my_messages_in_my_language_and_marks_one_read(
    brand, partner_admin, api, django_capture_on_commit_callbacks
):
    message = CampaignFactory(brand=brand)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_schedule(message=message, at=None)
    body = api.get("/api/v1/me/inbox").json()
    assert body["count"] == 1
    (row,) = body["items"]
    assert row["subject"] == "Gamme de printemps" and row["read_at"] is None
    assert "<strong>printemps</strong>" in row["html"]
    read = api.post(f"/api/v1/me/inbox/{row['id']}/read")
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert Delivery.objects.get(pk=row["id"]).read_at is not None


def test_another_users_message_is_a_404(brand, partner_seller, api, django_capture_on_commit_callbacks):
    message = CampaignFactory(brand=brand)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_schedule(message=message, at=None)
    theirs = Delivery.objects.get(user=partner_seller)
    assert api.post(f"/api/v1/me/inbox/{theirs.pk}/read").status_code == 404


def test_my_preferences_read_and_set(partner_admin, api):
    rows = {r["kind"]: r for r in api.get("/api/v1/me/notification-preferences").json()}
    assert rows["points_posted"]["by_email"] is False and rows["order_shipped"]["by_email"] is True
    response = api.put(
        "/api/v1/me/notification-preferences",
        data=json.dumps([{"kind": "order_shipped", "in_portal": True, "by_email": False}]),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert not NotificationPreference.objects.get(user=partner_admin, kind="order_shipped").by_email
    bad = api.put(
        "/api/v1/me/notification-preferences",
        data=json.dumps([{"kind": "nope", "in_portal": True, "by_email": False}]),
        content_type="application/json",
    )
    assert bad.status_code == 400
    digest = api.put(
        "/api/v1/me/notification-preferences",
        data=json.dumps(
            [{"kind": "order_shipped", "in_portal": True, "by_email": True, "email_frequency": "weekly"}]
        ),
        content_type="application/json",
    )
    assert {r["kind"]: r for r in digest.json()}["order_shipped"]["email_frequency"] == "weekly"
    assert (
        NotificationPreference.objects.get(user=partner_admin, kind="order_shipped").email_frequency
        == "weekly"
    )
    wrong = api.put(
        "/api/v1/me/notification-preferences",
        data=json.dumps(
            [{"kind": "order_shipped", "in_portal": True, "by_email": True, "email_frequency": "hourly"}]
        ),
        content_type="application/json",
    )
    assert wrong.status_code == 422


def test_my_library_lists_published_sales_aids(brand, brand_admin, api):
    item = content_item_save(
        brand=brand, user=brand_admin, fields={"kind": "brochure", "title": "Gamme Pro", "co_branded": True}
    )
    content_version_add(item=item, user=brand_admin, file=SimpleUploadedFile("p.pdf", pdf_sample(title="P")))
    assert api.get("/api/v1/me/library").json()["count"] == 0
    content_item_approve(item=item, user=brand_admin)
    (row,) = api.get("/api/v1/me/library", {"q": "pro"}).json()["items"]
    assert row["title"] == "Gamme Pro" and row["version"] == 1 and row["co_branded"] is True
    assert row["download_url"] == f"/portal/library/{item.pk}/download/"


def test_without_a_key_it_is_a_401(client):
    assert client.get("/api/v1/me/inbox").status_code == 401

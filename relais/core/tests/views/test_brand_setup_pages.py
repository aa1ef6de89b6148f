"""The brand admin's settings and team pages, and the operator's console, over HTTP."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import login_client
from relais.accounts.models import Invitation, Role
from relais.accounts.tests.factories import UserFactory
from relais.audit.models import AuditEntry
from relais.core.models import Brand
from relais.incentives.selectors import incentive_settings_of
from relais.sellout.anomalies.thresholds import thresholds_for

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _settings_post(**overrides):
    data = {
        "currency": "EUR",
        "languages": ["en", "fr"],
        "declaration_due_days": "",
        "holding_days": "14",
        "anomaly_enabled": "on",
        "line_ratio": "4.0",
        "month_ratio": "3.0",
        "week_ratio": "2.0",
        "min_excess_units": "10",
    }
    data.update(overrides)
    return data


def test_the_settings_page_saves_each_domains_setting_and_audits_before_after(brand, brand_admin):
    client = login_client(brand_admin)
    assert client.get("/brand/settings/").status_code == 200
    response = client.post(
        "/brand/settings/",
        _settings_post(
            currency="CHF",
            holding_days="30",
            line_ratio="6",
            declaration_due_days="12",
            logo=SimpleUploadedFile("logo.png", PNG, content_type="image/png"),
        ),
    )
    assert response.status_code == 302
    assert incentive_settings_of(brand_id=brand.pk).holding_days == 30
    assert thresholds_for(brand_id=brand.pk).line_ratio == 6.0
    brand.refresh_from_db()
    assert brand.currency == "CHF"
    entry = AuditEntry.objects.get(brand=brand, action="brand.settings_changed")
    assert entry.actor == brand_admin
    assert entry.details["currency"] == ["EUR", "CHF"]
    assert entry.details["holding_days"] == [14, 30]
    assert entry.details["line_ratio"] == [4.0, 6.0]
    assert entry.details["declaration_due_days"] == [None, 12]
    assert "logo" in entry.details


def test_a_bad_logo_is_said_on_its_field_in_french_and_nothing_is_saved(brand, brand_admin):
    client = login_client(brand_admin)
    response = client.post(
        "/brand/settings/",
        _settings_post(currency="CHF", logo=SimpleUploadedFile("logo.png", b"GIF89a....")),
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 200
    assert "PNG, JPEG ou SVG" in str(response.context["form"].errors["logo"])
    brand.refresh_from_db()
    assert brand.currency == "EUR"
    assert not AuditEntry.objects.filter(brand=brand).exists()


def test_a_channel_manager_cannot_change_the_brand_settings(brand, channel_manager):
    client = login_client(channel_manager)
    assert client.get("/brand/settings/").status_code == 403
    assert client.post("/brand/settings/", _settings_post(currency="CHF")).status_code == 403
    brand.refresh_from_db()
    assert brand.currency == "EUR"
    assert client.get("/brand/users/").status_code == 403
    assert client.get("/brand/audit/").status_code == 403


def test_the_brand_admin_invites_a_channel_manager_and_deactivates_a_colleague(
    brand, brand_admin, channel_manager, django_capture_on_commit_callbacks
):
    client = login_client(brand_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/brand/users/", {"email": "new@acme.test", "role": "channel_manager"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="new@acme.test")
    assert (invitation.brand, invitation.role, invitation.partner) == (brand, Role.CHANNEL_MANAGER, None)
    assert mail.outbox[-1].to == ["new@acme.test"]
    page = client.get("/brand/users/")
    assert b"new@acme.test" in page.content and b"manager@acme.test" in page.content

    assert (
        client.post(f"/brand/users/{channel_manager.pk}/active/", {"is_active": "false"}).status_code == 302
    )
    channel_manager.refresh_from_db()
    assert channel_manager.is_active is False
    assert AuditEntry.objects.filter(
        brand=brand, action="user.deactivated", target_id=str(channel_manager.pk)
    ).exists()
    # Never oneself.
    client.post(f"/brand/users/{brand_admin.pk}/active/", {"is_active": "false"})
    brand_admin.refresh_from_db()
    assert brand_admin.is_active is True


def test_another_brands_admin_cannot_touch_this_brands_team(brand, other_brand, channel_manager):
    foreign = UserFactory(email="admin@globex.test", role=Role.BRAND_ADMIN, brand=other_brand)
    client = login_client(foreign)
    assert (
        client.post(f"/brand/users/{channel_manager.pk}/active/", {"is_active": "false"}).status_code == 404
    )
    channel_manager.refresh_from_db()
    assert channel_manager.is_active is True


def test_the_operator_creates_a_brand_and_suspends_it_from_the_console(
    operator, django_capture_on_commit_callbacks
):
    client = login_client(operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/operator/",
            {"name": "Initech", "slug": "initech", "currency": "EUR", "admin_email": "boss@initech.test"},
        )
    assert response.status_code == 302
    brand = Brand.objects.get(slug="initech")
    assert mail.outbox[-1].to == ["boss@initech.test"]
    page = client.get("/operator/")
    assert b"Initech" in page.content
    assert client.post(f"/operator/brands/{brand.pk}/active/", {"is_active": "false"}).status_code == 302
    brand.refresh_from_db()
    assert brand.is_active is False


def test_a_taken_slug_is_said_on_the_slug_field(operator, brand):
    response = login_client(operator).post(
        "/operator/", {"name": "Acme 2", "slug": "acme", "currency": "EUR", "admin_email": "x@acme2.test"}
    )
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors


def test_a_brand_admin_cannot_use_the_console(brand, brand_admin):
    client = login_client(brand_admin)
    assert client.get("/operator/").status_code == 403
    assert client.post(f"/operator/brands/{brand.pk}/active/", {"is_active": "false"}).status_code == 403
    brand.refresh_from_db()
    assert brand.is_active is True

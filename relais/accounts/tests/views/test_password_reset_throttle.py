"""Password-reset e-mails are rate-limited per requested e-mail and per client IP."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_one_address_gets_at_most_three_reset_emails_an_hour(partner_admin):
    client = Client()
    for _ in range(3):
        assert (
            client.post(reverse("accounts:password_reset"), {"email": partner_admin.email}).status_code == 302
        )

    response = client.post(reverse("accounts:password_reset"), {"email": partner_admin.email})

    assert response.status_code == 429
    assert "Too many password-reset requests" in response.content.decode()
    assert len(mail.outbox) == 3


def test_the_limit_per_address_holds_from_other_ips_and_for_unknown_addresses(partner_admin):
    for n in range(3):
        Client(REMOTE_ADDR=f"198.51.100.{n}").post(
            reverse("accounts:password_reset"), {"email": "nobody@x.test"}
        )

    response = Client(REMOTE_ADDR="198.51.100.99").post(
        reverse("accounts:password_reset"), {"email": "nobody@x.test"}
    )

    # Unknown and known addresses are answered alike: the limit does not reveal who has an account.
    assert response.status_code == 429
    assert mail.outbox == []


def test_one_client_ip_is_limited_across_addresses(partner_admin, settings):
    settings.RELAIS_PASSWORD_RESET_MAX_PER_IP = 4
    client = Client(REMOTE_ADDR="203.0.113.5")
    for n in range(4):
        client.post(reverse("accounts:password_reset"), {"email": f"someone{n}@x.test"})

    refused = client.post(reverse("accounts:password_reset"), {"email": partner_admin.email})
    elsewhere = Client(REMOTE_ADDR="203.0.113.6").post(
        reverse("accounts:password_reset"), {"email": partner_admin.email}
    )

    assert refused.status_code == 429
    assert elsewhere.status_code == 302
    assert [m.to for m in mail.outbox] == [[partner_admin.email]]


def test_the_refusal_is_in_french_for_a_french_visitor(partner_admin):
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    for _ in range(3):
        client.post(reverse("accounts:password_reset"), {"email": partner_admin.email})

    response = client.post(reverse("accounts:password_reset"), {"email": partner_admin.email})

    assert response.status_code == 429
    assert "Trop de demandes de réinitialisation" in response.content.decode()

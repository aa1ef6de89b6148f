from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import login_client
from relais.accounts.models import Invitation, Role, User
from relais.accounts.services import invitation_create
from relais.accounts.tests.factories import PASSWORD
from relais.accounts.tests.services.test_invitation_create import accept_link

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Un-mot-de-passe-solide-42"


def invite(client, partner, email, role, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("accounts:invitation_create", args=[partner.pk]), {"email": email, "role": role}
        )


@pytest.mark.parametrize("inviter", ["brand_admin", "channel_manager"])
def test_brand_staff_invite_from_the_partner_page(
    request, inviter, partner, django_capture_on_commit_callbacks
):
    client = login_client(request.getfixturevalue(inviter))
    response = invite(
        client, partner, "boss@new.test", Role.PARTNER_ADMIN, django_capture_on_commit_callbacks
    )
    assert response["Location"] == reverse("network:partner_detail", args=[partner.pk])
    assert Invitation.objects.get().role == Role.PARTNER_ADMIN
    (message,) = mail.outbox
    assert "http://testserver/accounts/invitations/" in message.body
    html = client.get(response["Location"]).content.decode()
    assert "boss@new.test" in html and "Invitation sent" in html


def test_partner_admin_invites_a_seller_from_the_portal(
    partner_admin, partner, django_capture_on_commit_callbacks
):
    client = login_client(partner_admin)
    response = invite(
        client, partner, "s@martin.test", Role.PARTNER_SELLER, django_capture_on_commit_callbacks
    )
    assert response["Location"] == reverse("network:portal_home")
    assert len(mail.outbox) == 1


def test_partner_admin_cannot_smuggle_the_admin_role(
    partner_admin, partner, django_capture_on_commit_callbacks
):
    invite(
        login_client(partner_admin),
        partner,
        "a@martin.test",
        Role.PARTNER_ADMIN,
        django_capture_on_commit_callbacks,
    )
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_seller_cannot_invite(partner_seller, partner, django_capture_on_commit_callbacks):
    response = invite(
        login_client(partner_seller),
        partner,
        "x@martin.test",
        Role.PARTNER_SELLER,
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 403


def test_accept_page_creates_the_account_and_logs_in(
    client, brand_admin, partner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            invited_by=brand_admin, email="new@martin.test", role=Role.PARTNER_ADMIN, partner=partner
        )
    url = reverse("accounts:invitation_accept", args=[accept_link(mail.outbox[0])])
    page = client.get(url).content.decode()
    assert "new@martin.test" in page and partner.name in page
    response = client.post(
        url,
        {"first_name": "Léa", "last_name": "Martin", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD},
    )
    assert response.status_code == 302
    user = User.objects.get(email="new@martin.test")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.get(reverse("network:portal_home")).status_code == 200
    again = client.get(url)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_accept_page_shows_password_errors(client, brand_admin, partner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            invited_by=brand_admin, email="new@martin.test", role=Role.PARTNER_ADMIN, partner=partner
        )
    url = reverse("accounts:invitation_accept", args=[accept_link(mail.outbox[0])])
    response = client.post(
        url, {"first_name": "A", "last_name": "B", "password1": GOOD_PASSWORD, "password2": "other"}
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="new@martin.test").exists()


def test_expired_link_gives_a_clear_message(client, brand_admin, partner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            invited_by=brand_admin, email="new@martin.test", role=Role.PARTNER_ADMIN, partner=partner
        )
    Invitation.objects.update(expires_at=timezone.now() - timedelta(days=1))
    response = client.get(reverse("accounts:invitation_accept", args=[accept_link(mail.outbox[0])]))
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_resend_and_revoke_from_the_partner_page(brand_admin, partner, django_capture_on_commit_callbacks):
    client = login_client(brand_admin)
    invite(client, partner, "x@martin.test", Role.PARTNER_SELLER, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:invitation_resend", args=[invitation.pk]))
    assert len(mail.outbox) == 2
    client.post(reverse("accounts:invitation_revoke", args=[invitation.pk]))
    assert not Invitation.objects.exists()
    response = client.get(reverse("accounts:invitation_accept", args=[accept_link(mail.outbox[1])]))
    assert response.status_code == 410


def test_invitation_mail_and_login_page_in_french(brand_admin, partner, django_capture_on_commit_callbacks):
    client = login_client(brand_admin)
    client.cookies["django_language"] = "fr"
    invite(client, partner, "fr@martin.test", Role.PARTNER_SELLER, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert message.body.startswith("Bonjour,")
    assert "Vendeur partenaire" in message.body
    anonymous = login_client(brand_admin)
    anonymous.logout()
    anonymous.cookies["django_language"] = "fr"
    assert "Connexion à Relais" in anonymous.get(reverse("accounts:login")).content.decode()


def test_partner_admin_deactivates_a_seller_who_then_cannot_log_in(partner_admin, partner_seller):
    client = login_client(partner_admin)
    html = client.get(reverse("network:portal_home")).content.decode()
    assert reverse("accounts:user_set_active", args=[partner_seller.pk]) in html
    response = client.post(
        reverse("accounts:user_set_active", args=[partner_seller.pk]), {"is_active": "false"}
    )
    assert response["Location"] == reverse("network:portal_home")
    partner_seller.refresh_from_db()
    assert not partner_seller.is_active
    assert not Client().login(email=partner_seller.email, password=PASSWORD)


def test_inviting_an_existing_account_says_invitation_sent_and_mails_a_notice_instead(
    brand_admin, partner, other_partner, django_capture_on_commit_callbacks
):
    # Given an account of another company and a brand-new address
    taken = User.objects.create_user(
        email="taken@dupont.test",
        password=GOOD_PASSWORD,
        role=Role.PARTNER_SELLER,
        brand=other_partner.brand,
        partner=other_partner,
    )
    client = login_client(brand_admin)
    # When both are invited from the partner page
    pages = []
    for email in ("Taken@Dupont.test", "fresh@martin.test"):
        response = invite(client, partner, email, Role.PARTNER_SELLER, django_capture_on_commit_callbacks)
        pages.append(client.get(response["Location"]).content.decode())
    # Then the inviter reads the same message for both; no invitation (no second account) for the taken one
    assert "Invitation sent to taken@dupont.test." in pages[0]
    assert "Invitation sent to fresh@martin.test." in pages[1]
    assert "already has" not in pages[0]
    assert list(Invitation.objects.values_list("email", flat=True)) == ["fresh@martin.test"]
    notice, invitation_mail = mail.outbox
    assert notice.to == [taken.email]
    assert "/accounts/invitations/" not in notice.body
    assert "http://testserver/accounts/login/" in notice.body
    assert "already have an account" in notice.body
    assert invitation_mail.to == ["fresh@martin.test"]


def test_a_member_invited_again_is_told_they_were_added(
    brand_admin, partner, partner_seller, django_capture_on_commit_callbacks
):
    invite(
        login_client(brand_admin),
        partner,
        partner_seller.email,
        Role.PARTNER_SELLER,
        django_capture_on_commit_callbacks,
    )
    (notice,) = mail.outbox
    assert notice.subject.startswith(f"You were added to {partner.name}")
    assert not Invitation.objects.exists()

import pytest
from django.test import Client
from django.urls import reverse

from relais.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_sends_each_role_to_its_home(client, brand_admin, partner_admin, operator):
    for user, expected in [
        (brand_admin, reverse("network:brand_home")),
        (partner_admin, reverse("network:portal_home")),
        (operator, reverse("operator_home")),
    ]:
        client.logout()
        response = client.post(
            reverse("accounts:login"), {"email": user.email, "password": PASSWORD}, follow=True
        )
        assert response.redirect_chain[-1][0] == expected
        assert response.status_code == 200


def test_login_is_case_insensitive_on_email(client, brand_admin):
    response = client.post(
        reverse("accounts:login"), {"email": brand_admin.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302


def test_wrong_password_is_refused_with_a_message(client, brand_admin):
    response = client.post(
        reverse("accounts:login"), {"email": brand_admin.email, "password": "nope-nope-nope"}
    )
    assert response.status_code == 200
    assert "incorrect" in response.content.decode()


def test_login_is_throttled_after_five_failures_even_with_the_right_password(client, brand_admin):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"email": brand_admin.email, "password": "wrong-password-1"})
    response = client.post(reverse("accounts:login"), {"email": brand_admin.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_open_redirect_is_refused(client, brand_admin):
    response = client.post(
        reverse("accounts:login") + "?next=https://evil.example/",
        {"email": brand_admin.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("home")


def test_one_address_trying_many_accounts_is_throttled(client, brand_admin, settings):
    settings.RELAIS_LOGIN_MAX_ATTEMPTS_PER_IP = 8
    for n in range(8):  # a different e-mail each time: no (e-mail, IP) counter reaches 5
        client.post(reverse("accounts:login"), {"email": f"guess{n}@example.test", "password": "x"})

    response = client.post(reverse("accounts:login"), {"email": brand_admin.email, "password": PASSWORD})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    other_address = Client(REMOTE_ADDR="203.0.113.9")
    assert (
        other_address.post(
            reverse("accounts:login"), {"email": brand_admin.email, "password": PASSWORD}
        ).status_code
        == 302
    )


def test_one_account_attacked_from_many_addresses_is_throttled(brand_admin, settings):
    settings.RELAIS_LOGIN_MAX_ATTEMPTS_PER_ACCOUNT = 6
    for n in range(6):  # a different address each time
        Client(REMOTE_ADDR=f"198.51.100.{n}").post(
            reverse("accounts:login"), {"email": brand_admin.email, "password": "wrong-password-1"}
        )

    response = Client(REMOTE_ADDR="198.51.100.200").post(
        reverse("accounts:login"), {"email": brand_admin.email, "password": PASSWORD}
    )

    assert response.status_code == 429

"""The login throttle holds at every door (the admin's too), counts the real client behind the TLS proxy,
does not lock an address out because of a burst of unknown e-mails, and sets the language cookie securely."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from relais.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[4]


def _post_login(client: Client, url: str, email: str, password: str):
    # The admin's form names the field "username"; the Relais form "email": send both, as a script would.
    return client.post(url, {"email": email, "username": email, "password": password})


def test_the_admin_login_is_throttled_like_the_relais_login(operator):
    client = Client()
    for _ in range(30):
        _post_login(client, "/admin/login/", operator.email, "wrong-password-1")

    response = _post_login(client, "/admin/login/", operator.email, PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still sent to the login page


def test_an_operator_logs_in_at_the_admin_login_and_lands_on_the_admin(operator):
    client = Client()

    response = client.post(
        "/admin/login/?next=/admin/", {"email": operator.email, "password": PASSWORD, "next": "/admin/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_unknown_emails_from_one_address_do_not_lock_the_accounts_behind_it(brand_admin):
    client = Client(REMOTE_ADDR="192.0.2.10")
    for n in range(50):
        client.post(reverse("accounts:login"), {"email": f"random{n}@example.test", "password": "x"})

    response = client.post(reverse("accounts:login"), {"email": brand_admin.email, "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(brand_admin.pk)


def test_behind_the_proxy_each_client_is_counted_on_its_own_address(brand_admin, settings):
    settings.RELAIS_TRUSTED_PROXY_COUNT = 1
    settings.RELAIS_LOGIN_MAX_ATTEMPTS_PER_IP = 10
    proxy = "10.0.0.2"  # every request reaches the application from the proxy
    attacker = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.66")
    for n in range(10):
        attacker.post(reverse("accounts:login"), {"email": f"guess{n}@example.test", "password": "x"})
    assert (
        attacker.post(
            reverse("accounts:login"), {"email": brand_admin.email, "password": PASSWORD}
        ).status_code
        == 429
    )

    colleague = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    response = colleague.post(reverse("accounts:login"), {"email": brand_admin.email, "password": PASSWORD})

    assert response.status_code == 302


def test_a_forged_forwarded_for_does_not_escape_the_address_counter(brand_admin, settings):
    settings.RELAIS_TRUSTED_PROXY_COUNT = 1
    settings.RELAIS_LOGIN_MAX_ATTEMPTS_PER_IP = 5
    for n in range(5):  # the client writes a new address each time; the proxy appends the real one
        Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.66").post(
            reverse("accounts:login"), {"email": f"guess{n}@example.test", "password": "x"}
        )

    response = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.66").post(
        reverse("accounts:login"), {"email": brand_admin.email, "password": PASSWORD}
    )

    assert response.status_code == 429


def test_without_trusted_proxies_the_forwarded_for_header_is_ignored(brand_admin, settings):
    settings.RELAIS_TRUSTED_PROXY_COUNT = 0
    settings.RELAIS_LOGIN_MAX_ATTEMPTS_PER_IP = 5
    for n in range(5):
        Client(REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}").post(
            reverse("accounts:login"), {"email": f"guess{n}@example.test", "password": "x"}
        )

    response = Client(REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR="9.9.9.9").post(
        reverse("accounts:login"), {"email": brand_admin.email, "password": PASSWORD}
    )

    assert response.status_code == 429


def _production_cookie_settings() -> dict[str, object]:
    """The language-cookie settings a production process actually has (a fresh process, environment only)."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "p" * 20 + "-production-like-secret-key-0123456789",
        "ALLOWED_HOSTS": "relais.example.com",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps({k: getattr(settings, k) for k in ('LANGUAGE_COOKIE_SECURE', "
        "'LANGUAGE_COOKIE_HTTPONLY', 'LANGUAGE_COOKIE_SAMESITE', 'LANGUAGE_COOKIE_NAME')}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_language_cookie_set_at_login_is_secure_under_production_settings(brand_admin, settings):
    production = _production_cookie_settings()
    assert production["LANGUAGE_COOKIE_SECURE"] is True
    for name, value in production.items():
        setattr(settings, name, value)
    brand_admin.preferred_language = "fr"
    brand_admin.save(update_fields=["preferred_language"])

    response = Client().post(reverse("accounts:login"), {"email": brand_admin.email, "password": PASSWORD})

    cookie = response.cookies[str(production["LANGUAGE_COOKIE_NAME"])]
    assert cookie.value == "fr"
    assert cookie["secure"] is True
    assert cookie["samesite"] == production["LANGUAGE_COOKIE_SAMESITE"]
    assert bool(cookie["httponly"]) is bool(production["LANGUAGE_COOKIE_HTTPONLY"])

"""Production settings, checked the way an operator would: a fresh process with only environment variables."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET = secrets.token_urlsafe(64)[:50]


def _run(args: list[str], env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess[str]:
    # Start from a clean environment: nothing from the test session (DJANGO_SETTINGS_MODULE=...test) leaks in.
    base = {
        key: os.environ[key] for key in ("PATH", "HOME", "LANG", "DB", "DATABASE_URL") if key in os.environ
    }
    base["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    base["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_check_deploy_is_clean_with_the_documented_environment():
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {"SECRET_KEY": SECRET, "ALLOWED_HOSTS": "relais.example.com"},
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced).", result.stdout
    assert "WARNING" not in result.stderr


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"ALLOWED_HOSTS": "relais.example.com"}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "", "ALLOWED_HOSTS": "relais.example.com"}, "SECRET_KEY must be set"),
        (
            {
                "SECRET_KEY": "dev-only-insecure-key-change-me-in-production-0123456789abcdef",
                "ALLOWED_HOSTS": "relais.example.com",
            },
            "SECRET_KEY must not be the development key",
        ),
        ({"SECRET_KEY": SECRET}, "ALLOWED_HOSTS must be set"),
    ],
    ids=["no-secret-key", "empty-secret-key", "development-key", "no-allowed-hosts"],
)
def test_production_refuses_to_start_without_its_secrets(env, complaint):
    result = _run(["manage.py", "check"], env)

    assert result.returncode != 0
    assert complaint in result.stderr


def test_check_deploy_catches_a_weak_secret_key():
    # The guard is check --deploy itself: a short key must be reported, so the clean run above means something.
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {"SECRET_KEY": "short", "ALLOWED_HOSTS": "relais.example.com"},
    )

    assert result.returncode != 0
    assert "security.W009" in result.stderr


COOKIE_PROBE = """
import json
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
from django.test import Client
from relais.accounts.models import Role, User
from relais.core.models import Brand
brand = Brand.objects.create(slug="acme", name="Acme")
user = User(email="admin@acme.test", role=Role.BRAND_ADMIN, brand=brand)
user.set_password("correct-horse-battery")
user.save()
client = Client(enforce_csrf_checks=True, HTTP_HOST="relais.example.com")
plain = client.get("/accounts/login/")
page = client.get("/accounts/login/", secure=True)
csrf = page.cookies[__import__("django.conf").conf.settings.CSRF_COOKIE_NAME]
answer = client.post(
    "/accounts/login/",
    {"email": "admin@acme.test", "password": "correct-horse-battery", "csrfmiddlewaretoken": csrf.value},
    secure=True,
    headers={"Referer": "https://relais.example.com/accounts/login/"},
)
health = client.get("/healthz")
def flags(morsel):
    return {"name": morsel.key, "secure": bool(morsel["secure"]), "httponly": bool(morsel["httponly"]),
            "samesite": morsel["samesite"], "path": morsel["path"], "domain": morsel["domain"]}
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location", ""),
    "login_status": answer.status_code,
    "hsts": page.get("Strict-Transport-Security", ""),
    "health_status": health.status_code,
    "cookies": {name: flags(m) for name, m in {**page.cookies, **answer.cookies}.items()},
}))
"""


@pytest.fixture(scope="module")
def production_answers(tmp_path_factory) -> dict:
    """Log in over HTTPS in a production-settings process and report what it answered.

    The process migrates a throw-away SQLite file and collects static files to a temporary STATIC_ROOT, as a
    release would, so the login page renders with the hashed-manifest storage.
    """
    workdir = tmp_path_factory.mktemp("prod")
    database = workdir / "db.sqlite3"
    result = _run(
        ["-c", COOKIE_PROBE],
        {
            "SECRET_KEY": SECRET,
            "ALLOWED_HOSTS": "relais.example.com",
            "DATABASE_URL": f"sqlite:///{database}",
            "STATIC_ROOT": str(workdir / "static"),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        },
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_redirects_plain_http_to_https(production_answers):
    assert production_answers["plain_status"] == 301
    assert production_answers["plain_location"] == "https://relais.example.com/accounts/login/"
    assert production_answers["hsts"].startswith("max-age=31536000")


def test_health_check_answers_over_plain_http_for_the_load_balancer(production_answers):
    assert production_answers["health_status"] == 200


def test_session_cookie_is_secure_httponly_lax_and_host_locked(production_answers):
    assert production_answers["login_status"] == 302
    session = production_answers["cookies"]["__Host-sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"
    assert session["path"] == "/" and not session["domain"]


def test_csrf_cookie_is_secure_lax_and_host_locked(production_answers):
    csrf = production_answers["cookies"]["__Host-csrftoken"]
    assert csrf["secure"]
    assert csrf["samesite"] == "Lax"
    assert csrf["path"] == "/" and not csrf["domain"]

"""What every response carries: a Content-Security-Policy, real 404 and 500 pages, a favicon."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import get_template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults

from relais.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_pages_carry_a_content_security_policy_that_allows_only_our_own_scripts():
    response = Client().get(reverse("accounts:login"))

    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"].split() == ["'self'"]  # no CDN, no eval, no inline script
    assert directives["style-src"].split() == ["'self'"]  # no inline style
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def test_the_api_and_the_admin_carry_it_too(operator):
    client = Client()
    client.post(reverse("accounts:login"), {"email": operator.email, "password": PASSWORD})

    assert "default-src 'self'" in client.get("/admin/")["Content-Security-Policy"]
    assert "default-src 'self'" in Client().get("/api/v1/openapi.json")["Content-Security-Policy"]


def test_the_api_docs_load_their_scripts_from_our_own_static_files():
    page = Client().get("/api/v1/docs").content.decode()

    assert "cdn.jsdelivr.net" not in page
    assert "/static/ninja/swagger-ui-bundle.js" in page


def test_an_unknown_page_is_the_relais_404_in_the_visitors_language():
    response = Client(HTTP_ACCEPT_LANGUAGE="fr").get("/no-such-page/")

    assert response.status_code == 404
    body = response.content.decode()
    assert 'data-testid="error-404"' in body
    assert "Page introuvable" in body
    assert "favicon.svg" in body


def test_the_500_page_renders_without_a_request_or_a_database(django_assert_num_queries):
    # Django's server_error renders 500.html with an empty context and no request: no query, no user.
    with django_assert_num_queries(0):
        html = get_template("500.html").render({})

    assert 'data-testid="error-500"' in html
    assert "Something went wrong" in html and "Une erreur" in html
    assert "favicon.svg" in html


def test_the_server_error_handler_answers_with_the_500_page(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = defaults.server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert b'data-testid="error-500"' in response.content


def test_the_favicon_is_served():
    redirect = Client().get("/favicon.ico")

    assert redirect.status_code == 301
    icon = Client().get(redirect["Location"])
    assert icon.status_code == 200
    content = b"".join(icon.streaming_content) if icon.streaming else icon.content  # type: ignore[attr-defined]
    assert content.startswith(b"<svg")


# Templates a browser renders under the policy (e-mail bodies are read by mail clients, not under our CSP).
PAGE_TEMPLATES = sorted(
    path
    for root in [Path(settings.BASE_DIR) / "templates", Path(settings.BASE_DIR) / "relais"]
    for path in root.rglob("*.html")
    if "emails" not in path.parts
)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|<[^>]*\sstyle\s*=", re.IGNORECASE)


def test_the_scan_finds_the_page_templates_and_would_catch_each_inline_form():
    assert len(PAGE_TEMPLATES) > 50
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/js/relais.js" defer></script>')
    assert HANDLER.search('<select name="x" onchange="this.form.submit()">')
    assert not HANDLER.search('<select name="x" data-autosubmit>')
    assert INLINE_STYLE.search('<td style="text-align:right">') and INLINE_STYLE.search("<style>.a{}</style>")


@pytest.mark.parametrize("path", PAGE_TEMPLATES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_no_template_carries_inline_script_handler_or_style(path):
    html = path.read_text(encoding="utf-8")

    assert not INLINE_SCRIPT.search(html), "inline <script>: move it to static/js/ (data-* for its data)"
    assert not HANDLER.search(html), (
        "on*= handler: bind it in static/js/ (data-autosubmit, data-confirm, ...)"
    )
    assert not INLINE_STYLE.search(html), "inline style: use a class of static/css/relais.css"


def test_the_base_page_loads_the_shared_script_deferred_and_htmx_without_injected_styles(admin_client_brand):
    html = admin_client_brand.get("/", follow=True).content.decode()

    assert re.search(r'<script src="/static/js/relais\.js" defer>', html)
    assert "includeIndicatorStyles" in html
    assert "<script>" not in html and " onchange=" not in html

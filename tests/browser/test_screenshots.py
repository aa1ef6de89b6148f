"""Screenshots of the main pages of every role, on a phone (390×844) and a desktop (1366×900), in French and
English, into ``build/screenshots/`` (git-ignored) for a person to look at; on the phone no page may scroll
sideways (``document.documentElement.scrollWidth <= innerWidth``), and every page must answer 200.

``make screenshots`` runs this file alone. The data is small but real: partners with declarations, comments
and rollups, so the charts, tables and to-do counts have something to show.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Browser, Page

from relais.accounts.tests.factories import PASSWORD
from relais.insights.services import rollup_refresh
from relais.insights.tests.factories import declaration_with_lines, product
from relais.network.tests.factories import PartnerFactory
from relais.sellout.models import DeclarationLine
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.support import login

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("RELAIS_SCREENSHOTS_DIR", settings.BASE_DIR / "build" / "screenshots"))
VIEWPORTS: dict[str, dict[str, Any]] = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}
LOCALES = {"fr": "fr-FR", "en": "en-GB"}
BRAND_PAGES = [
    ("home", "/brand/"),
    ("partners", "/brand/partners/"),
    ("declarations", "/brand/declarations/"),
    ("review", "/brand/review/"),
    ("insights", "/brand/insights/"),
    ("feedback", "/brand/insights/feedback/"),
    ("feedback-themes", "/brand/insights/feedback/themes/"),
    ("undeclared", "/brand/insights/undeclared/"),
    ("segments", "/brand/segments/"),
    ("challenges", "/brand/challenges/"),
    ("objectives", "/brand/objectives/"),
    ("points", "/brand/points/"),
    ("orders", "/brand/orders/"),
]
PARTNER_PAGES = [
    ("portal", "/portal/"),
    ("declarations", "/portal/declarations/"),
    ("insights", "/portal/insights/"),
    ("challenges", "/portal/challenges/"),
    ("points", "/portal/points/"),
    ("rewards", "/portal/rewards/"),
]
ROLES = {
    "brand_admin": BRAND_PAGES,
    "channel_manager": BRAND_PAGES,
    "partner_admin": PARTNER_PAGES,
    "partner_seller": PARTNER_PAGES,
}


@pytest.fixture
def network(brand, partner):
    """The partner and a dozen others with sales over three months, comments, one line to review."""
    drill, saw = product(brand, "Drills", name="Perceuse sans fil 18 V"), product(brand, "Saws", name="Scie")
    this_month = timezone.localdate().replace(day=1)
    months = [this_month, (this_month - dt.timedelta(days=1)).replace(day=1)]
    months.append((months[1] - dt.timedelta(days=1)).replace(day=1))
    comments = ["Emballage abîmé", "Livraison en retard", "Sehr freundliche Beratung", "Too expensive", ""]
    for index, company in enumerate([partner, *(PartnerFactory(brand=brand) for _ in range(12))]):
        lines = [
            {
                "product": drill if (index + n) % 2 else saw,
                "quantity": 1 + (index + n) % 4,
                "amount": f"{120 + 37 * index + 11 * n}.50",
                "sale_date": month + dt.timedelta(days=index % 20),
                "feedback": comments[(index + n) % len(comments)],
            }
            for n, month in enumerate(months)
        ]
        if index == 3:
            lines[0]["status"] = DeclarationLine.Status.FLAGGED
        declaration_with_lines(partner=company, lines=lines)
    rollup_refresh(brand=brand)


def _pages(browser: Browser, live_url: str, viewport: str, language: str) -> Iterator[Page]:
    context = browser.new_context(base_url=live_url, locale=LOCALES[language], **VIEWPORTS[viewport])
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_url}])
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.mark.parametrize("role", list(ROLES))
def test_screenshots_of_the_main_pages_and_no_sideways_scroll_on_a_phone(
    request, role, browser: Browser, live_url: str, network
):
    user = request.getfixturevalue(role)
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for viewport in VIEWPORTS:
        for language in LOCALES:
            for page in _pages(browser, live_url, viewport, language):
                login(page, user.email, PASSWORD)
                for name, path in ROLES[role]:
                    response = page.goto(path)
                    page.wait_for_load_state("load")
                    where = f"{role} {viewport} {language} {path}"
                    if response is None or response.status != 200:
                        problems.append(f"{where}: status {response.status if response else None}")
                        continue
                    if page.locator("html").get_attribute("lang") != language:
                        problems.append(f"{where}: not in {language}")
                    page.screenshot(
                        path=str(SHOTS / f"{role}-{viewport}-{language}-{name}.png"), full_page=True
                    )
                    if viewport == "phone":
                        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                        if widths[0] > widths[1]:
                            problems.append(f"{where}: {widths[0]}px wide on a {widths[1]}px screen")
    assert not problems, "\n".join(problems)

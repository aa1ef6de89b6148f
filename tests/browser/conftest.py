"""Playwright (sync API) on Debian's chromium against pytest-django's live server.

Never ``playwright install``: the browser is the system one at /usr/bin/chromium (``make browsers`` installs it).
A missing browser is a failure, not a skip, so CI cannot go green without having driven a real browser.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import Browser, Page, expect, sync_playwright

# Playwright's sync API runs an asyncio loop in this thread; Django's ORM refuses to run from a thread with a
# running loop unless told it is safe, which it is here (the loop only drives the browser).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("RELAIS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 3,
}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
TIMEOUT_MS = 15_000
# The same patience for assertions as for actions: ``expect`` waits 5 s by default, which a loaded 2-core CI
# machine can exceed between a click and the htmx swap it causes (a flaky phone-form test did).
expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/browser is a browser test, whether or not its author remembered the mark."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: the browser tests need Debian's chromium. "
            "Run `make browsers` (apt-get install chromium); do not use `playwright install`.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # The login throttle lives in the cache, shared with the live server thread.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def live_url(live_server, transactional_db) -> str:
    """The live server's base URL, with transactional DB access so the server thread sees test data."""
    return live_server.url


def _new_page(browser: Browser, live_url: str, options: dict) -> Iterator[Page]:
    context = browser.new_context(base_url=live_url, locale="en-GB", **options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page(browser: Browser, live_url: str) -> Iterator[Page]:
    """A desktop page (1280×800) whose relative URLs go to the live server."""
    yield from _new_page(browser, live_url, DESKTOP)


@pytest.fixture
def phone_page(browser: Browser, live_url: str) -> Iterator[Page]:
    """A phone page (390×844, touch, 3x) whose relative URLs go to the live server."""
    yield from _new_page(browser, live_url, PHONE)

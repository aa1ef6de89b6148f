"""Helpers the browser tests share: logging in, screenshots, layout checks."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Page

SHOTS_DIR = Path(os.environ.get("RELAIS_SHOTS_DIR", "/tmp/relais-shots"))


def login(page: Page, email: str, password: str) -> None:
    """Log in through the real form and wait until the login page is left."""
    page.goto("/accounts/login/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot for a human (or a reviewer) to look at."""
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    path = SHOTS_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def has_no_horizontal_scroll(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def stylesheet_applied(page: Page) -> bool:
    """True when relais.css (and Pico under it) actually loaded: the app bar gets its dark background."""
    colour = page.evaluate("getComputedStyle(document.querySelector('header.app-bar')).backgroundColor")
    return colour == "rgb(11, 59, 74)"

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from relais.incentives.models import PointsAccount
from relais.incentives.selectors import ledger_totals


def assert_ledger_consistent(account: PointsAccount) -> None:
    """The account row agrees with its ledger: balance = sum of entries = sum of lots left ≥ 0."""
    account.refresh_from_db()
    totals = ledger_totals(account=account)
    assert account.balance == totals["sum"] == totals["lots"]
    assert account.provisional == totals["provisional"]
    assert account.balance >= 0


@pytest.fixture
def check_ledger():
    return assert_ledger_consistent


def pytest_collection_modifyitems(config, items):
    """On SQLite, ``postgres_only`` tests of this app are deselected (their SQLite variants run instead),
    unless the marker was asked for explicitly (``-m postgres_only``): then they run and fail loudly."""
    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    if "postgres_only" in (config.option.markexpr or ""):
        return
    here = str(config.rootpath / "relais" / "incentives")
    deselected = [i for i in items if i.get_closest_marker("postgres_only") and str(i.path).startswith(here)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [i for i in items if i not in deselected]


class Clock:
    """A settable ``timezone.now`` for the holding period: every service and ``auto_now`` field reads it."""

    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    moving = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", moving)
    return moving

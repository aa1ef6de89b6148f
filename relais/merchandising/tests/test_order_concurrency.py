"""Concurrent POS orders against one item's stock: threads with their own connections, real row locks.

On PostgreSQL 64 threads race (``postgres_only``); on SQLite two threads race (IMMEDIATE transactions
serialise writers), so both databases hold the same invariants: the stock never goes below zero, every unit
ordered is one taken from it, and the points paid are what the ledger says.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import OperationalError, connection

from relais.core.errors import ApplicationError
from relais.core.tests.factories import BrandFactory
from relais.incentives.models import PointsAccount, PointsEntry
from relais.incentives.tests.conftest import assert_ledger_consistent
from relais.incentives.tests.factories import credit
from relais.merchandising import services
from relais.merchandising.models import PosItem, PosOrder
from relais.merchandising.tests.factories import PosItemFactory
from relais.network.tests.factories import PartnerFactory


def order_retrying_sqlite_locks(**kwargs):
    """SQLite's shared-cache test database fails a busy writer at once; the rolled-back try is retried."""
    for _attempt in range(500):
        try:
            return services.pos_order_request(**kwargs)
        except OperationalError as exc:
            if connection.vendor != "sqlite" or "locked" not in str(exc):
                raise
            time.sleep(0.005)
    raise AssertionError("SQLite stayed locked")


def race(*, threads: int, stock: int, price: int = 0, points: int = 0) -> dict:
    brand = BrandFactory()
    partners = [PartnerFactory(brand=brand) for _ in range(4)]
    for partner in partners:
        if points:
            credit(partner, points)
    item = PosItemFactory(brand=brand, stock=stock, points_price=price)
    barrier = threading.Barrier(threads)

    def place(i: int) -> str:
        try:
            barrier.wait(timeout=30)
            order_retrying_sqlite_locks(
                partner=partners[i % len(partners)],
                item=item,
                quantity=1,
                user=None,
                idempotency_key=f"race-{i}",
            )
            return "ok"
        except ApplicationError as exc:
            return exc.extra.get("code", exc.message)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        outcomes = list(pool.map(place, range(threads)))
    item.refresh_from_db()
    return {"item": item, "outcomes": outcomes, "partners": partners}


def assert_stock_kept(result: dict, *, stock: int, price: int = 0) -> None:
    item, outcomes = result["item"], result["outcomes"]
    succeeded = outcomes.count("ok")
    assert set(outcomes) <= {"ok", "out_of_stock", "insufficient_points"}, outcomes
    assert item.stock >= 0
    assert succeeded == min(stock, len(outcomes)) or "insufficient_points" in outcomes
    assert PosOrder.objects.filter(item=item).count() == succeeded == stock - item.stock
    assert PosItem.objects.filter(stock__lt=0).count() == 0
    if price:
        assert PointsEntry.objects.filter(kind="redeem", reason_code="pos_order").count() == succeeded
        for partner in result["partners"]:
            assert_ledger_consistent(PointsAccount.objects.get(partner=partner))


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_64_concurrent_orders_never_take_the_stock_below_zero_on_postgres():
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL (DB=postgres): SQLite has no row locks.")
    result = race(threads=64, stock=10, price=50, points=1000)
    assert_stock_kept(result, stock=10, price=50)
    assert result["item"].stock == 0
    assert result["outcomes"].count("out_of_stock") == 54


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_orders_for_the_last_unit():
    result = race(threads=2, stock=1)
    assert_stock_kept(result, stock=1)
    assert sorted(result["outcomes"]) == ["ok", "out_of_stock"]

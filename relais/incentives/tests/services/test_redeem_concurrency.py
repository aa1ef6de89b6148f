"""Concurrent redemptions against one balance: threads with their own connections, real row locks.

On PostgreSQL 64 threads race (``postgres_only``); on SQLite two threads race (IMMEDIATE transactions
serialise writers), so both databases test the same invariants.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import OperationalError, connection

from relais.core.errors import ApplicationError
from relais.core.tests.factories import BrandFactory
from relais.incentives import services
from relais.incentives.models import PointsAccount, PointsEntry, RedemptionOrder, Reward
from relais.incentives.tests.conftest import assert_ledger_consistent
from relais.incentives.tests.factories import ChallengeFactory, RewardFactory, credit
from relais.network.tests.factories import PartnerFactory


def redeem_retrying_sqlite_locks(**kwargs):
    """The SQLite test database is in memory with a shared cache, where a busy writer makes the other connection
    fail at once ("table is locked") instead of waiting on busy_timeout as a file database does; the failed
    transaction was rolled back whole, so waiting and retrying is what busy_timeout would have done."""
    for _attempt in range(500):
        try:
            return services.reward_redeem(**kwargs)
        except OperationalError as exc:
            if connection.vendor != "sqlite" or "locked" not in str(exc):
                raise
            time.sleep(0.005)
    raise AssertionError("SQLite stayed locked")


def race(*, threads: int, points: int) -> dict:
    brand = BrandFactory()
    partner = PartnerFactory(brand=brand)
    credit(partner, points)
    scarce = RewardFactory(brand=brand, points_price=100, stock=max(1, threads // 8))
    plenty = RewardFactory(brand=brand, points_price=100, stock=None)
    barrier = threading.Barrier(threads)

    def redeem(i: int) -> str:
        try:
            barrier.wait(timeout=30)
            redeem_retrying_sqlite_locks(
                partner=partner,
                reward=scarce if i % 2 else plenty,
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
        outcomes = list(pool.map(redeem, range(threads)))
    scarce.refresh_from_db()
    return {"partner": partner, "scarce": scarce, "outcomes": outcomes}


def assert_no_overspend(result: dict, *, points: int) -> None:
    partner, scarce, outcomes = result["partner"], result["scarce"], result["outcomes"]
    succeeded = outcomes.count("ok")
    assert set(outcomes) <= {"ok", "insufficient_points", "out_of_stock"}, outcomes
    assert succeeded == points // 100  # the plain reward is always there: every point that can be spent is
    account = PointsAccount.objects.get(partner=partner)
    assert account.balance == points - 100 * succeeded >= 0
    assert scarce.stock >= 0
    assert RedemptionOrder.objects.filter(reward=scarce).count() + scarce.stock == max(1, len(outcomes) // 8)
    assert PointsEntry.objects.filter(partner=partner, kind="redeem").count() == succeeded
    assert_ledger_consistent(account)
    assert Reward.objects.filter(stock__lt=0).count() == 0


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_64_concurrent_redemptions_never_overspend_on_postgres():
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL (DB=postgres): SQLite has no row locks.")
    result = race(threads=64, points=1500)
    assert_no_overspend(result, points=1500)
    assert result["outcomes"].count("insufficient_points") > 0


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_redemptions_against_one_order_worth_of_points():
    result = race(threads=2, points=100)
    assert_no_overspend(result, points=100)
    assert sorted(result["outcomes"])[0] == "insufficient_points" or "out_of_stock" in result["outcomes"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_replays_of_one_key_make_one_order():
    brand = BrandFactory()
    partner = PartnerFactory(brand=brand)
    credit(partner, 1000)
    reward = RewardFactory(brand=brand, points_price=100, stock=None)
    threads = 8 if connection.vendor == "postgresql" else 2
    barrier = threading.Barrier(threads)

    def redeem(_i: int) -> int:
        try:
            barrier.wait(timeout=30)
            return redeem_retrying_sqlite_locks(
                partner=partner, reward=reward, quantity=1, user=None, idempotency_key="same"
            ).pk
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        order_ids = set(pool.map(redeem, range(threads)))

    assert len(order_ids) == 1
    assert PointsEntry.objects.filter(partner=partner, kind="redeem").count() == 1
    assert_ledger_consistent(PointsAccount.objects.get(partner=partner))


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_redemptions_racing_the_release_of_a_reconciled_period_never_spend_held_points():
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL (DB=postgres): SQLite has no row locks.")
    brand = BrandFactory()
    partner = PartnerFactory(brand=brand)
    services.incentive_settings_save(brand=brand, holding_days=0, hold_until_reconciled=True)
    challenge = ChallengeFactory(brand=brand)
    held = services.points_credit(
        brand=brand,
        partner=partner,
        amount=1000,
        kind="earn",
        reason="earned",
        idempotency_key="earned",
        challenge=challenge,
    )
    assert held is not None and held.awaits_reconciliation
    credit(partner, 300)  # an adjustment: spendable at once
    reward = RewardFactory(brand=brand, points_price=100, stock=None)
    threads = 24
    barrier = threading.Barrier(threads + 1)

    def redeem(i: int) -> str:
        try:
            barrier.wait(timeout=30)
            services.reward_redeem(
                partner=partner, reward=reward, quantity=1, user=None, idempotency_key=f"race-{i}"
            )
            return "ok"
        except ApplicationError as exc:
            return exc.extra.get("code", exc.message)
        finally:
            connection.close()

    def release() -> int:
        try:
            barrier.wait(timeout=30)
            return services.points_release(
                brand=brand,
                partner=partner,
                period_start=challenge.period_end,
                period_end=challenge.period_end,
            )
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads + 1) as pool:
        released = pool.submit(release)
        outcomes = list(pool.map(redeem, range(threads)))
    assert released.result() == 1000  # nothing of the held lot could be spent before its release
    assert set(outcomes) <= {"ok", "insufficient_points"}, outcomes
    assert 3 <= outcomes.count("ok") <= 13
    held.refresh_from_db()
    assert held.available_at is not None and not held.awaits_reconciliation
    for debit in PointsEntry.objects.filter(partner=partner, kind="redeem"):
        if debit.allocations.filter(lot=held).exists():
            assert debit.created_at >= held.available_at
    assert_ledger_consistent(PointsAccount.objects.get(partner=partner))

"""Concurrent requests and claims against one allocation: threads with their own connections, real row locks.

On PostgreSQL 64 threads race; on SQLite four (IMMEDIATE transactions serialise writers), so both databases
test the same invariants: never overspent, the ledger's sums are the balances, one claim per request.
"""

import datetime as dt
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import OperationalError, connection

from relais.core.errors import ApplicationError
from relais.core.tests.factories import BrandFactory
from relais.funds import ledger, services
from relais.funds.models import EntryKind, FundClaim, FundEntry, FundRequest
from relais.funds.tests.factories import (
    activity,
    approved_request,
    fixed_allocation,
    fund_request,
    invoice,
    photo,
)
from relais.network.tests.factories import PartnerFactory

D = Decimal


def retrying_sqlite_locks(call, **kwargs):
    """The in-memory SQLite test database fails a second writer at once ("table is locked") instead of
    waiting; the failed transaction was rolled back whole, so retrying is what busy_timeout would do."""
    for _attempt in range(500):
        try:
            return call(**kwargs)
        except OperationalError as exc:
            if connection.vendor != "sqlite" or "locked" not in str(exc):
                raise
            time.sleep(0.005)
    raise AssertionError("SQLite stayed locked")


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_and_claims_never_overspend_one_allocation():
    threads = 64 if connection.vendor == "postgresql" else 4
    brand = BrandFactory()
    partner = PartnerFactory(brand=brand)
    activity(brand, proofs=("invoice",))
    allocation = fixed_allocation(partner, amount=str(100 * threads // 2))
    # A quarter of the threads claim (two per approved request: only one claim each may pass).
    approved = [approved_request(allocation, cost="100") for _ in range(max(1, threads // 8))]
    asked = [fund_request(allocation, cost="100", key=f"ask-{i}") for i in range(threads)]
    barrier = threading.Barrier(threads)

    def work(i: int) -> str:
        try:
            barrier.wait(timeout=60)
            if i % 4 == 0:
                request = approved[(i // 4) % len(approved)]
                claim = retrying_sqlite_locks(
                    services.fund_claim_submit,
                    request=request,
                    actual_cost=D("60"),
                    files=[invoice(), photo()],
                    idempotency_key=f"claim-{i}",
                )
                claim = retrying_sqlite_locks(services.fund_claim_decide, claim=claim, decision="full")
                retrying_sqlite_locks(
                    services.fund_claim_pay, claim=claim, reference=f"VIR-{i}", paid_on=dt.date(2026, 12, 1)
                )
                return "paid"
            retrying_sqlite_locks(services.fund_request_decide, request=asked[i], decision="full")
            return "approved"
        except ApplicationError as exc:
            return exc.extra.get("code", exc.message)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        outcomes = list(pool.map(work, range(threads)))

    assert set(outcomes) <= {"paid", "approved", "insufficient_funds", "claimed", "already_decided"}, outcomes
    balance = ledger.balance_of(allocation.pk)
    assert balance.available >= 0 and balance.reserved >= 0
    assert balance.granted == balance.available + balance.reserved + balance.paid + balance.expired
    assert balance == ledger.total_of(FundEntry.objects.filter(allocation=allocation))
    # One claim paid per approved request, whatever the number of threads that tried.
    assert FundClaim.objects.filter(status="paid").count() == outcomes.count("paid") == len(approved)
    assert balance.paid == D(60) * len(approved)
    approvals = FundRequest.objects.filter(status="approved").count()
    assert approvals == outcomes.count("approved")
    assert FundEntry.objects.filter(kind=EntryKind.RESERVATION).count() == approvals + len(approved)
    # Every euro is accounted for: reserved by the still-open approvals, paid, or available.
    assert balance.reserved == D(100) * approvals
    assert D(100) * approvals + balance.paid + balance.available == balance.granted
    if connection.vendor == "postgresql":
        assert outcomes.count("insufficient_funds") > 0

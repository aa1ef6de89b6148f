"""Concurrent first use of one Idempotency-Key: threads with their own connections race on the unique
constraint; the work runs once, the others get a 409 (or, once it is done, the replay)."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import OperationalError, connection

from relais.api.idempotency import IdempotencyConflict, idempotent_call
from relais.api.models import IdempotencyRecord
from relais.core.tests.factories import BrandFactory
from relais.network.tests.factories import PartnerFactory


def call_retrying_sqlite_locks(**kwargs):
    """The SQLite test database is in memory with a shared cache: a busy writer makes the other connection fail
    at once ("table is locked") instead of waiting as busy_timeout does on a file; retrying is that wait."""
    for _attempt in range(1000):
        try:
            return idempotent_call(**kwargs)
        except OperationalError as exc:
            if connection.vendor != "sqlite" or "locked" not in str(exc):
                raise
            time.sleep(0.005)
    raise AssertionError("SQLite stayed locked")


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_use_runs_the_work_once():
    threads = 8 if connection.vendor == "postgresql" else 3
    partner = PartnerFactory(brand=BrandFactory())
    barrier = threading.Barrier(threads)
    runs: list[int] = []
    runs_lock = threading.Lock()

    def work():
        with runs_lock:
            runs.append(1)
        time.sleep(0.2)  # long enough for every other thread to arrive while the first is still working
        return 201, {"declaration": 42}

    def attempt(_i: int):
        try:
            barrier.wait(timeout=30)
            return call_retrying_sqlite_locks(partner=partner, key="same-key", request_hash="h", run=work)
        except IdempotencyConflict:
            return "conflict"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        outcomes = list(pool.map(attempt, range(threads)))

    assert len(runs) == 1
    assert outcomes.count((201, {"declaration": 42})) >= 1
    assert set(map(str, outcomes)) <= {"conflict", str((201, {"declaration": 42}))}
    record = IdempotencyRecord.objects.get(partner=partner, key="same-key")
    assert record.status_code == 201 and record.response_body == {"declaration": 42}
    assert idempotent_call(partner=partner, key="same-key", request_hash="h", run=work) == (
        201,
        {"declaration": 42},
    )
    assert len(runs) == 1

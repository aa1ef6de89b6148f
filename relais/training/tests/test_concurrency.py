"""The same seller sends passing answers several times at once (a double tap, two tabs): one completion, one
points credit. Threads with their own connections; eight on PostgreSQL, three on SQLite (whose in-memory test
database refuses a second writer at once: the retry is the wait a file database would do)."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import OperationalError, connection

from relais.accounts.models import Role
from relais.accounts.tests.factories import partner_user
from relais.core.tests.factories import BrandFactory
from relais.followups.training import module_attempt
from relais.incentives.models import PointsAccount, PointsEntry
from relais.network.tests.factories import PartnerFactory
from relais.training.models import Attempt, Completion
from relais.training.tests.factories import published_module


def _attempt_retrying_sqlite_locks(**kwargs):
    for _try in range(1000):
        try:
            return module_attempt(**kwargs)
        except OperationalError as exc:
            if connection.vendor != "sqlite" or "locked" not in str(exc):
                raise
            time.sleep(0.005)
    raise AssertionError("SQLite stayed locked")


@pytest.mark.django_db(transaction=True)
def test_concurrent_passes_make_one_completion_and_one_credit():
    threads = 8 if connection.vendor == "postgresql" else 3
    brand = BrandFactory()
    seller = partner_user(PartnerFactory(brand=brand), role=Role.PARTNER_SELLER)
    module = published_module(brand, points=75)
    barrier = threading.Barrier(threads)

    def take(_i: int) -> bool:
        try:
            barrier.wait(timeout=30)
            outcome = _attempt_retrying_sqlite_locks(module=module, user=seller, answers=module.right)
            return outcome.first_pass
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        first_passes = list(pool.map(take, range(threads)))

    assert first_passes.count(True) == 1
    assert Attempt.objects.filter(module=module, user=seller).count() == threads
    assert Completion.objects.filter(module=module, user=seller).count() == 1
    entries = PointsEntry.objects.filter(brand=brand, reason_code="training_completed")
    assert [e.amount for e in entries] == [75]
    account = PointsAccount.objects.get(pk=entries.get().account_id)
    assert account.balance == 75

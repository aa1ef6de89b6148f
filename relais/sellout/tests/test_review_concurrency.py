"""Reviewers racing on the same flagged lines, each thread with its own connection and real row locks: every
line is decided once, by one of them, and the declaration's counters stay exact. PostgreSQL: 8 threads;
SQLite: 2 (one writer at a time; a locked in-memory database is retried, as busy_timeout would wait)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.db import OperationalError, connection

from relais.accounts.models import Role
from relais.accounts.tests.factories import UserFactory
from relais.catalog.tests.factories import ProductFactory
from relais.sellout.models import Declaration, DeclarationLine, ReviewDecision, Source
from relais.sellout.review import lines_review
from relais.sellout.services import declaration_create, declaration_lines_add, declaration_submit


def review_retrying_sqlite_locks(**kwargs):
    for _attempt in range(500):
        try:
            return lines_review(**kwargs)
        except OperationalError as exc:
            if connection.vendor != "sqlite" or "locked" not in str(exc):
                raise
            time.sleep(0.005)
    raise AssertionError("SQLite stayed locked")


@pytest.mark.django_db(transaction=True)
def test_racing_reviews_decide_each_line_once(brand, partner):
    threads = 8 if connection.vendor == "postgresql" else 2
    product = ProductFactory(brand=brand, list_price="10.00")
    declaration = declaration_create(
        partner=partner, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), source=Source.FORM
    )
    declaration_lines_add(
        declaration=declaration,
        rows=[
            {"gtin": product.gtin, "quantity": str(n), "unit_price": "100", "sale_date": "2026-10-02"}
            for n in range(1, 4)
        ],
    )
    declaration = declaration_submit(declaration=declaration)
    ids = list(DeclarationLine.objects.filter(declaration=declaration).values_list("pk", flat=True))
    reviewers = [UserFactory(role=Role.CHANNEL_MANAGER, brand=brand) for _ in range(threads)]
    barrier = threading.Barrier(len(reviewers))

    def review(i: int) -> int:
        try:
            barrier.wait(timeout=30)
            outcome = review_retrying_sqlite_locks(
                brand=brand, line_ids=ids, approve=i % 2 == 0, reason_code="other", user=reviewers[i]
            )
            return len(outcome.decided)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(reviewers)) as pool:
        decided = list(pool.map(review, range(len(reviewers))))

    assert sorted(decided) == [0] * (threads - 1) + [
        3
    ]  # one reviewer took them all, the others found them decided
    assert ReviewDecision.objects.filter(line_id__in=ids).count() == 3
    declaration.refresh_from_db()
    assert declaration.lines_flagged == 0
    assert declaration.lines_accepted + declaration.lines_rejected == 3
    assert declaration.status in {Declaration.Status.VALIDATED, Declaration.Status.PARTLY_REJECTED}

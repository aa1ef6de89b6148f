"""The sell-out pull while declarations change at the same time: a reader pages through with small pages
while a writer, on its own connection, re-stamps declarations as a review would. No line is missed and none
is repeated except as a new version after its change."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import OperationalError, connection, transaction
from django.test import Client
from django.utils import timezone

from relais.api import apis
from relais.api.services import brand_api_key_create
from relais.core.tests.factories import BrandFactory
from relais.incentives.tests.factories import declaration_with_lines
from relais.network.tests.factories import PartnerFactory
from relais.sellout.models import Declaration

SETTLE = timedelta(milliseconds=300)


def retrying_sqlite_locks(work):
    """SQLite's in-memory test database fails at once on a busy writer ("table is locked"): retry is the wait
    PostgreSQL does by itself."""
    for _attempt in range(2000):
        try:
            return work()
        except OperationalError as exc:
            if connection.vendor != "sqlite" or "locked" not in str(exc):
                raise
            time.sleep(0.002)
    raise AssertionError("SQLite stayed locked")


@pytest.mark.django_db(transaction=True)
def test_a_pull_during_concurrent_changes_misses_nothing(monkeypatch):
    monkeypatch.setattr(apis, "SETTLE", SETTLE)
    brand = BrandFactory()
    partner = PartnerFactory(brand=brand)
    base = timezone.now() - timedelta(hours=1)
    declarations = []
    for n in range(12):
        d = declaration_with_lines(partner, lines=[{"quantity": 1}] * 3, status=Declaration.Status.VALIDATED)
        Declaration.objects.filter(pk=d.pk).update(updated_at=base + timedelta(seconds=n))
        declarations.append(d)
    _key, text = brand_api_key_create(brand=brand, name="ERP", scopes=["sellout:read"])
    changed: Counter[int] = Counter()
    done = threading.Event()

    def writer() -> None:
        rng = random.Random(7)
        try:
            for _ in range(8):
                target = rng.choice(declarations)

                def stamp(pk: int = target.pk) -> None:
                    with transaction.atomic():
                        Declaration.objects.filter(pk=pk).update(updated_at=timezone.now())

                retrying_sqlite_locks(stamp)
                changed[target.pk] += 1
                time.sleep(0.01)
        finally:
            connection.close()
            done.set()

    seen: list[int] = []
    cursor = ""

    def pull_once() -> bool:
        nonlocal cursor
        params: dict[str, str | int] = {"limit": 4, **({"cursor": cursor} if cursor else {})}
        body = retrying_sqlite_locks(
            lambda: Client().get("/api/v1/brand/sellout", params, HTTP_AUTHORIZATION=f"Bearer {text}").json()
        )
        seen.extend(item["id"] for item in body["items"])
        cursor = body["next_cursor"]
        return body["has_more"]

    thread = threading.Thread(target=writer)
    thread.start()
    while pull_once() or not done.is_set():
        time.sleep(0.005)
    thread.join()
    time.sleep(SETTLE.total_seconds() + 0.1)  # the last stamps settle; the next pull brings them
    while pull_once():
        pass

    lines = {d.pk: list(d.lines.values_list("id", flat=True)) for d in declarations}
    counts = Counter(seen)
    for pk, ids in lines.items():
        for line_id in ids:
            # Once, plus at most once per change of its declaration; never missed.
            assert 1 <= counts[line_id] <= 1 + changed[pk], (pk, line_id, counts[line_id], changed[pk])
            if not changed[pk]:
                assert counts[line_id] == 1

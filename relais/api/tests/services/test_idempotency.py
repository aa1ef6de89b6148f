from datetime import timedelta

import pytest
from django.utils import timezone

from relais.api.idempotency import (
    IDEMPOTENCY_LEASE,
    IdempotencyConflict,
    idempotency_records_purge,
    idempotent_call,
)
from relais.api.models import IdempotencyRecord


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return 201, {"n": self.calls}


def test_same_key_and_request_replays_the_stored_response_without_running_again(partner):
    work = Counter()
    first = idempotent_call(partner=partner, key="k1", request_hash="h1", run=work)
    second = idempotent_call(partner=partner, key="k1", request_hash="h1", run=work)

    assert first == second == (201, {"n": 1})
    assert work.calls == 1
    record = IdempotencyRecord.objects.get(partner=partner, key="k1")
    assert record.status_code == 201 and record.completed_at is not None


def test_same_key_with_another_request_is_a_conflict(partner):
    work = Counter()
    idempotent_call(partner=partner, key="k1", request_hash="h1", run=work)
    with pytest.raises(IdempotencyConflict):
        idempotent_call(partner=partner, key="k1", request_hash="h2", run=work)
    assert work.calls == 1


def test_keys_are_scoped_per_partner(partner, other_partner):
    work = Counter()
    idempotent_call(partner=partner, key="k1", request_hash="h1", run=work)
    assert idempotent_call(partner=other_partner, key="k1", request_hash="h1", run=work) == (201, {"n": 2})


def test_a_key_still_in_progress_is_a_conflict(partner):
    IdempotencyRecord.objects.create(brand=partner.brand, partner=partner, key="k1", request_hash="h1")
    work = Counter()
    with pytest.raises(IdempotencyConflict):
        idempotent_call(partner=partner, key="k1", request_hash="h1", run=work)
    assert work.calls == 0


def test_a_failed_run_releases_the_key(partner):
    def boom():
        raise RuntimeError("down")

    with pytest.raises(RuntimeError):
        idempotent_call(partner=partner, key="k1", request_hash="h1", run=boom)
    assert not IdempotencyRecord.objects.filter(key="k1").exists()
    assert idempotent_call(partner=partner, key="k1", request_hash="h1", run=Counter()) == (201, {"n": 1})


def test_a_key_older_than_24_hours_is_forgotten(partner):
    work = Counter()
    idempotent_call(partner=partner, key="k1", request_hash="h1", run=work)
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))

    assert idempotent_call(partner=partner, key="k1", request_hash="h2", run=work) == (201, {"n": 2})


def test_without_a_key_every_call_runs(partner):
    work = Counter()
    idempotent_call(partner=partner, key=None, request_hash="h1", run=work)
    idempotent_call(partner=partner, key="", request_hash="h1", run=work)
    assert work.calls == 2
    assert not IdempotencyRecord.objects.exists()


def test_purge_removes_only_expired_records(partner):
    idempotent_call(partner=partner, key="old", request_hash="h", run=Counter())
    idempotent_call(partner=partner, key="new", request_hash="h", run=Counter())
    IdempotencyRecord.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))

    assert idempotency_records_purge() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


def test_using_a_key_forgets_the_partners_expired_keys(partner, other_partner):
    idempotent_call(partner=partner, key="old", request_hash="h", run=Counter())
    idempotent_call(partner=other_partner, key="old", request_hash="h", run=Counter())
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))

    idempotent_call(partner=partner, key="new", request_hash="h", run=Counter())

    assert set(IdempotencyRecord.objects.values_list("partner_id", "key")) == {
        (partner.pk, "new"),
        (other_partner.pk, "old"),
    }


def test_a_reservation_abandoned_by_a_dead_process_is_taken_over_after_the_lease(partner):
    # The process serving the first request died after reserving the key: no response was stored.
    IdempotencyRecord.objects.create(brand=partner.brand, partner=partner, key="k1", request_hash="h1")
    IdempotencyRecord.objects.update(created_at=timezone.now() - IDEMPOTENCY_LEASE - timedelta(seconds=1))
    work = Counter()

    assert idempotent_call(partner=partner, key="k1", request_hash="h1", run=work) == (201, {"n": 1})
    assert idempotent_call(partner=partner, key="k1", request_hash="h1", run=work) == (201, {"n": 1})
    assert work.calls == 1
    # ...but never by another request with the same key.
    IdempotencyRecord.objects.create(brand=partner.brand, partner=partner, key="k2", request_hash="h1")
    IdempotencyRecord.objects.filter(key="k2").update(created_at=timezone.now() - IDEMPOTENCY_LEASE * 2)
    with pytest.raises(IdempotencyConflict):
        idempotent_call(partner=partner, key="k2", request_hash="other", run=work)

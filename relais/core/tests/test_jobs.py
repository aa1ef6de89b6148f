"""The job runner: handlers run after commit, record progress, success and failure, on every backend."""

import threading
import time

import pytest
from django.db import connections, transaction
from django.test import override_settings

from relais.core.errors import ApplicationError
from relais.core.jobs import job_enqueue, job_handler, job_progress, job_run, job_wait_idle
from relais.core.models import Job

RAN_IN: dict[int, str] = {}


@job_handler("test.count_to")
def count_to(job: Job) -> dict:
    total = job.payload["n"]
    for done in range(1, total + 1):
        job_progress(job, done=done, total=total, message=f"{done} of {total}")
    RAN_IN[job.pk] = threading.current_thread().name
    return {"counted": total}


@job_handler("test.bad_file")
def bad_file(job: Job) -> None:
    job_progress(job, done=2, total=10)
    raise ApplicationError("Line 3: the GTIN 123 is not valid.")


@job_handler("test.crash")
def crash(job: Job) -> None:
    raise ZeroDivisionError


# --- eager (the test settings): runs at commit in the calling thread ---------------------------------


def test_a_job_does_not_run_before_its_transaction_commits(django_capture_on_commit_callbacks, brand):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = job_enqueue(kind="test.count_to", payload={"n": 3}, brand=brand)

    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    assert len(callbacks) == 1


def test_a_job_runs_at_commit_and_records_progress_and_result(django_capture_on_commit_callbacks, brand):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(kind="test.count_to", payload={"n": 4}, brand=brand)

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert (job.progress_done, job.progress_total, job.message) == (4, 4, "4 of 4")
    assert job.result == {"counted": 4}
    assert job.percent == 100
    assert job.started_at is not None and job.finished_at is not None
    assert job.finished_at >= job.started_at


def test_an_application_error_fails_the_job_with_its_message(django_capture_on_commit_callbacks, brand):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(kind="test.bad_file", payload={}, brand=brand)

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == "Line 3: the GTIN 123 is not valid."
    assert "Traceback" in job.error and "ApplicationError" in job.error
    assert job.progress_done == 2 and job.percent == 20
    assert job.is_finished


def test_an_unexpected_exception_fails_the_job_with_the_exception_name(brand):
    job = Job.objects.create(kind="test.crash", brand=brand)

    job = job_run(job.pk)

    assert job.status == Job.Status.FAILED
    assert job.message == "ZeroDivisionError"


def test_a_finished_job_is_not_run_again(brand):
    job = Job.objects.create(kind="test.count_to", payload={"n": 2}, brand=brand, status=Job.Status.FAILED)

    job = job_run(job.pk)

    assert job.status == Job.Status.FAILED
    assert job.progress_done == 0


def test_enqueueing_an_unknown_kind_is_refused(brand):
    with pytest.raises(KeyError, match="no handler registered"):
        job_enqueue(kind="test.nobody_handles_this", payload={}, brand=brand)
    assert not Job.objects.exists()


def test_a_job_row_of_an_unknown_kind_fails_instead_of_crashing_the_runner(brand):
    job = Job.objects.create(kind="test.gone_since", brand=brand)

    job = job_run(job.pk)

    assert job.status == Job.Status.FAILED
    assert "no handler registered for job kind 'test.gone_since'" in job.message


@override_settings(RELAIS_TASK_BACKEND="rabbit")
def test_an_unknown_backend_is_a_configuration_error(django_capture_on_commit_callbacks, brand):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured), django_capture_on_commit_callbacks(execute=True):
        job_enqueue(kind="test.count_to", payload={"n": 1}, brand=brand)


# --- inprocess (the default outside tests): a worker thread picks the job up after commit ------------


@pytest.mark.django_db(transaction=True)
@override_settings(RELAIS_TASK_BACKEND="inprocess")
def test_the_thread_backend_runs_the_job_after_commit_in_its_worker_thread(brand):
    with transaction.atomic():
        job = job_enqueue(kind="test.count_to", payload={"n": 5}, brand=brand)
        # Nothing is dispatched before commit: the worker could not even see the row yet.
        assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED

    job_wait_idle(timeout=20)

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.result == {"counted": 5}
    assert (job.progress_done, job.progress_total) == (5, 5)
    assert RAN_IN[job.pk] == "relais-jobs"


@pytest.mark.django_db(transaction=True)
@override_settings(RELAIS_TASK_BACKEND="inprocess")
def test_the_thread_backend_records_a_failure_and_keeps_running_later_jobs(brand):
    with transaction.atomic():
        failing = job_enqueue(kind="test.bad_file", payload={}, brand=brand)
    # One job at a time: the in-memory SQLite test database (shared cache) has no busy timeout, so a write
    # here while the worker reads would fail with "table is locked"; file databases and PostgreSQL wait.
    job_wait_idle(timeout=20)
    with transaction.atomic():
        following = job_enqueue(kind="test.count_to", payload={"n": 2}, brand=brand)

    job_wait_idle(timeout=20)

    failing.refresh_from_db()
    following.refresh_from_db()
    assert failing.status == Job.Status.FAILED
    assert failing.message == "Line 3: the GTIN 123 is not valid."
    assert following.status == Job.Status.SUCCEEDED


@pytest.mark.django_db(transaction=True)
@override_settings(RELAIS_TASK_BACKEND="inprocess")
def test_the_thread_backend_drops_a_job_whose_transaction_rolled_back(brand):
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        job_enqueue(kind="test.count_to", payload={"n": 1}, brand=brand)
        raise Abort

    job_wait_idle(timeout=5)
    assert not Job.objects.exists()


# --- progress from inside the handler's own transaction --------------------------------------------------

SEEN: dict[str, int | None] = {}


def _progress_seen_from_another_connection(job_id: int) -> int | None:
    from django.db import DEFAULT_DB_ALIAS, connections

    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT progress_done FROM core_job WHERE id = %s", [job_id])
            return cursor.fetchone()[0]
    finally:
        other.close()


@job_handler("test.progress_in_transaction")
def progress_in_transaction(job: Job) -> dict:
    from django.db import connection

    with transaction.atomic():
        job_progress(job, done=3, total=10)
        if connection.vendor == "postgresql":
            SEEN["during"] = _progress_seen_from_another_connection(job.pk)
        job_progress(job, done=10, total=10)
    return {}


@job_handler("test.progress_with_row_locked")
def progress_with_row_locked(job: Job) -> dict:
    with transaction.atomic():
        Job.objects.select_for_update().get(pk=job.pk)  # the handler itself holds the job row
        for done in range(1, 6):
            job_progress(job, done=done, total=5)
    return {}


@pytest.mark.django_db(transaction=True)
def test_progress_inside_the_handlers_transaction_is_visible_before_commit_on_postgres(brand):
    from django.db import connection

    job = Job.objects.create(kind="test.progress_in_transaction", brand=brand)

    job = job_run(job.pk)

    assert job.status == Job.Status.SUCCEEDED, job.error
    assert (job.progress_done, job.progress_total) == (10, 10)
    if connection.vendor == "postgresql":
        # A page polling /jobs/<id>/ sees the progress while the import's transaction is still open.
        assert SEEN["during"] == 3


@pytest.mark.django_db(transaction=True)
def test_progress_never_waits_for_a_lock_the_handler_holds_itself(brand):
    job = Job.objects.create(kind="test.progress_with_row_locked", brand=brand)

    job = job_run(job.pk)  # would hang forever if progress waited for the handler's own row lock

    assert job.status == Job.Status.SUCCEEDED, job.error
    assert (job.progress_done, job.progress_total) == (5, 5)


def test_throttled_progress_is_written_when_the_job_ends(brand):
    # Inside the test's transaction on PostgreSQL some reports stay in memory; the final row has the last one.
    job = Job.objects.create(kind="test.count_to", payload={"n": 50}, brand=brand)

    job = job_run(job.pk)

    assert (job.progress_done, job.progress_total, job.message) == (50, 50, "50 of 50")


# --- deferred: the row waits for manage.py run_jobs ------------------------------------------------------


@override_settings(RELAIS_TASK_BACKEND="deferred")
def test_a_deferred_job_waits_for_run_jobs(django_capture_on_commit_callbacks, brand):
    from django.core.management import call_command

    with django_capture_on_commit_callbacks(execute=True):
        first = job_enqueue(kind="test.count_to", payload={"n": 2}, brand=brand)
        second = job_enqueue(kind="test.count_to", payload={"n": 3}, brand=brand)
    first.refresh_from_db()
    assert first.status == Job.Status.QUEUED

    call_command("run_jobs", "--limit", "1")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.result) == (Job.Status.SUCCEEDED, {"counted": 2})
    assert second.status == Job.Status.QUEUED

    call_command("run_jobs")
    second.refresh_from_db()
    assert (second.status, second.progress_done) == (Job.Status.SUCCEEDED, 3)


# --- what a polling page sees of a running job ------------------------------------------------------------


@job_handler("test.progress_then_peek")
def progress_then_peek(job: Job) -> dict:
    from relais.core.jobs import job_live

    job_progress(job, done=3, total=10, message="3 of 10")
    # What another connection sees on SQLite while this handler holds its write transaction: the row as it
    # was before. The thread runner's pages read the progress from this process instead.
    Job.objects.filter(pk=job.pk).update(progress_done=0, progress_total=0, message="")
    seen = job_live(Job.objects.get(pk=job.pk))
    return {"seen": [seen.progress_done, seen.progress_total, seen.message, seen.status]}


def test_a_page_sees_the_progress_a_running_handler_reported_in_this_process(
    django_capture_on_commit_callbacks, brand
):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(kind="test.progress_then_peek", payload={}, brand=brand)

    job.refresh_from_db()
    assert job.result == {"seen": [3, 10, "3 of 10", "running"]}
    assert job.status == Job.Status.SUCCEEDED and job.runner.startswith("eager:")


def test_a_job_left_running_by_a_live_process_is_not_taken_for_interrupted(brand):
    import os
    import socket

    from relais.core.jobs import job_live

    parent = os.getppid()  # alive: the test runner's parent
    job = Job.objects.create(
        kind="test.count_to",
        brand=brand,
        status=Job.Status.RUNNING,
        runner=f"inprocess:{socket.gethostname()}:{parent}",
    )
    assert job_live(job).status == Job.Status.RUNNING
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING


# --- the periodic tasks Celery beat sends -----------------------------------------------------------------


def test_the_periodic_tasks_enqueue_one_job_per_active_brand(
    django_capture_on_commit_callbacks, brand, other_brand
):
    from relais.followups.tasks import network_refresh_every_brand
    from relais.incentives.tasks import expire_points_every_brand

    other_brand.is_active = False
    other_brand.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_points_every_brand() == 1
        assert network_refresh_every_brand() == 1

    jobs = Job.objects.filter(kind__in=["incentives_expire", "network_refresh"])
    assert sorted((j.kind, j.brand_id, j.status) for j in jobs) == [
        ("incentives_expire", brand.pk, Job.Status.SUCCEEDED),
        ("network_refresh", brand.pk, Job.Status.SUCCEEDED),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_job_runs_to_the_end_while_another_connection_holds_the_job_table_for_a_moment(brand):
    """The worker thread beside a command or page that writes the job table: SQLite refuses at once with
    "database table is locked" (shared cache) and PostgreSQL waits; either way the job must not stay queued."""
    job = Job.objects.create(kind="test.count_to", payload={"n": 3}, brand=brand)
    other = connections.create_connection("default")
    other.set_autocommit(False)
    with other.cursor() as cursor:
        cursor.execute(f"UPDATE {Job._meta.db_table} SET message = 'held' WHERE id = %s", [job.pk])
    outcome: dict[str, Job] = {}

    def worker() -> None:
        try:
            outcome["job"] = job_run(job.pk)
        finally:
            connections.close_all()

    thread = threading.Thread(target=worker)
    thread.start()
    time.sleep(0.5)
    other.commit()
    other.close()
    thread.join(timeout=20)
    finished = outcome["job"]
    assert finished.status == Job.Status.SUCCEEDED, finished.error
    assert (finished.result, finished.progress_done) == ({"counted": 3}, 3)

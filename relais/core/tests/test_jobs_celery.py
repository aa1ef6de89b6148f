"""RELAIS_TASK_BACKEND=celery: a job goes through the real broker (the local Redis) to a real worker."""

import os
import threading
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.db import connections, transaction
from django.test import override_settings

from relais.core.jobs import job_enqueue, job_handler, job_progress
from relais.core.models import Job


@job_handler("test.celery_sum")
def celery_sum(job: Job) -> dict:
    numbers = job.payload["numbers"]
    job_progress(job, done=len(numbers), total=len(numbers))
    return {"sum": sum(numbers)}


@job_handler("test.celery_fail")
def celery_fail(job: Job) -> None:
    raise ValueError("the mapping has no quantity column")


def _redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.exceptions.RedisError:
        return False


FINISHED: dict[int, threading.Event] = {}


def _after_task(sender=None, args=None, **kwargs) -> None:
    # Runs in the worker thread once run_job returned: release its DB connection (PostgreSQL cannot drop the
    # test database while it is open), then wake the test. The test waits on this event instead of polling the
    # job row, because the in-memory SQLite test database (shared cache) fails concurrent access at once.
    connections.close_all()
    if sender is not None and sender.name == "relais.run_job" and args:
        FINISHED.setdefault(args[0], threading.Event()).set()


@pytest.fixture(scope="module")
def celery_worker():
    if not _redis_reachable(settings.CELERY_BROKER_URL):
        message = f"Redis is not reachable at {settings.CELERY_BROKER_URL}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI must run the Celery test)", pytrace=False)
        pytest.skip(message)
    from config.celery import app

    # A queue of our own, so a developer's running worker cannot steal the test's messages. Set once, before
    # the app builds its (cached) queues and routes, and for the rest of the session.
    app.conf.task_default_queue = f"relais-test-{uuid.uuid4().hex[:8]}"
    task_postrun.connect(_after_task, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
            yield worker
    finally:
        task_postrun.disconnect(_after_task)


def _wait_finished(job: Job, timeout: float = 20) -> Job:
    finished = FINISHED.setdefault(job.pk, threading.Event())
    assert finished.wait(timeout), f"the worker did not run job {job.pk} within {timeout}s"
    job.refresh_from_db()
    return job


@pytest.mark.django_db(transaction=True)
@override_settings(RELAIS_TASK_BACKEND="celery")
def test_a_job_runs_on_a_celery_worker_through_redis(celery_worker, brand):
    with transaction.atomic():
        job = job_enqueue(kind="test.celery_sum", payload={"numbers": [3, 4, 5]}, brand=brand)

    job = _wait_finished(job)

    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.result == {"sum": 12}
    assert (job.progress_done, job.progress_total) == (3, 3)


@pytest.mark.django_db(transaction=True)
@override_settings(RELAIS_TASK_BACKEND="celery")
def test_a_failing_job_on_celery_is_marked_failed_with_its_message(celery_worker, brand):
    with transaction.atomic():
        job = job_enqueue(kind="test.celery_fail", payload={}, brand=brand)

    job = _wait_finished(job)

    assert job.status == Job.Status.FAILED
    assert job.message == "the mapping has no quantity column"


def test_the_worker_knows_the_run_job_task():
    from config.celery import app

    app.loader.import_default_modules()
    assert "relais.run_job" in app.tasks


def test_every_scheduled_task_is_one_the_worker_knows():
    """A beat entry naming a task no app declares would fail silently each night in production."""
    from config.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert scheduled - set(app.tasks) == set()
    assert {"relais.funds.accrue_and_expire", "relais.followups.points_notices"} <= scheduled

"""Running long work off the request path.

A job is a row (``core.Job``) plus a handler registered under its ``kind``. ``job_enqueue`` schedules it
after the current transaction commits, on the configured backend:

- ``inprocess`` (default, demo): a daemon worker thread in this process;
- ``celery`` (production): the ``relais.core.tasks.run_job`` Celery task;
- ``eager`` (tests): runs at commit in the calling thread;
- ``deferred``: the row stays queued until ``manage.py run_jobs`` (``job_run_queued``) runs it — a worker
  from cron without a broker, and the benchmarks, which time an import and the work it enqueues apart.

Handlers report progress with ``job_progress`` so pages can show a progress bar.

Every handler is declared in its app's ``tasks.py`` with ``@job_handler("kind")``: the one place where an
app's background work is written down. ``CoreConfig.ready`` imports every installed app's ``tasks`` module
at start-up (web process, Celery worker, tests alike), so a kind is known before any job of it runs
(``relais/core/tests/test_job_discovery.py`` checks that no handler hides elsewhere).
"""

from __future__ import annotations

import logging
import os
import queue
import socket
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, close_old_connections, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from relais.core.models import Brand, Job

logger = logging.getLogger(__name__)
T = TypeVar("T")

JobHandler = Callable[[Job], dict[str, Any] | None]
_HANDLERS: dict[str, JobHandler] = {}
_queue: queue.Queue[int] = queue.Queue()
_worker: threading.Thread | None = None
_worker_lock = threading.Lock()
BACKENDS = frozenset({"inprocess", "celery", "eager", "deferred"})


def job_handler(kind: str) -> Callable[[JobHandler], JobHandler]:
    """Register the function that runs jobs of ``kind``."""

    def register(func: JobHandler) -> JobHandler:
        _HANDLERS[kind] = func
        return func

    return register


def job_handlers_discover() -> None:
    """Import every installed app's ``tasks`` module, where its job handlers are declared (at start-up)."""
    autodiscover_modules("tasks")


def _handler_for(kind: str) -> JobHandler:
    """The handler registered for ``kind`` (every app's ``tasks`` module is imported at start-up)."""
    try:
        return _HANDLERS[kind]
    except KeyError:
        raise KeyError(f"no handler registered for job kind {kind!r}") from None


def job_enqueue(*, kind: str, payload: dict[str, Any], brand=None, partner=None, created_by=None) -> Job:
    """Create a job row and run it after commit on the configured backend."""
    _handler_for(kind)
    job = Job.objects.create(
        kind=kind,
        payload=payload,
        brand=brand,
        partner_id=partner.pk if partner is not None else None,
        created_by=created_by,
    )
    transaction.on_commit(lambda: _dispatch(job.pk))
    return job


def job_enqueue_every_brand(*, kind: str) -> int:
    """Enqueue one job of ``kind`` per active brand (the periodic tasks); returns how many."""
    brands = list(Brand.objects.filter(is_active=True))
    for brand in brands:
        job_enqueue(kind=kind, payload={}, brand=brand)
    return len(brands)


def job_progress(job: Job, *, done: int, total: int | None = None, message: str = "") -> None:
    """Record progress so a page polling the job sees it while the handler still works.

    Outside a transaction this is a plain UPDATE. Inside one (an import holding its rows until commit) the
    UPDATE would only show at commit and would lock the job row until then; on PostgreSQL the progress is
    written instead through a separate autocommit connection — the one ``job_progress_connection`` holds,
    else a short-lived one — at most every ``PROGRESS_EVERY`` seconds, and never waiting for a lock. SQLite
    has one writer at a time, so there it shows at commit.
    """
    fields: dict[str, Any] = {"progress_done": done, "updated_at": timezone.now()}
    if total is not None:
        fields["progress_total"] = total
        job.progress_total = total
    if message:
        fields["message"] = message[:300]
        job.message = message[:300]
    job.progress_done = done
    _live[job.pk] = (job.progress_done, job.progress_total, job.message)
    db = connections[Job.objects.db]
    aside = db.in_atomic_block and db.vendor == "postgresql" and _last_aside.get(job.pk, 0.0) is not None
    if aside and _progress_write_aside(job, fields, final=total is not None and done >= total):
        return
    _job_update(job.pk, **fields)


# SQLite answers "database (table) is locked" at once when another connection of the same process holds the
# table (shared-cache databases, as the test suite's in-memory one) or after its busy timeout: the job row's
# own bookkeeping is retried for a few seconds rather than leaving the job queued or running for ever.
LOCKED_RETRY_SECONDS = 10.0


def _retry_while_locked(work: Callable[[], T]) -> T:
    """Run ``work``, again while SQLite reports a lock (the worker thread beside a polling page or command).
    Never inside a transaction: retrying one statement of it would not retry what came before."""
    deadline = time.monotonic() + LOCKED_RETRY_SECONDS
    pause = 0.01
    while True:
        try:
            return work()
        except OperationalError as exc:
            db = connections[Job.objects.db]
            locked = "locked" in str(exc) and db.vendor == "sqlite" and not db.in_atomic_block
            if not locked or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.2)


def _job_update(job_id: int, **fields: Any) -> None:
    """``UPDATE`` the job row, retried while SQLite reports a lock."""
    _retry_while_locked(lambda: Job.objects.filter(pk=job_id).update(**fields))


PROGRESS_EVERY = 0.25
# Job id -> (done, total, message) as last reported in this process. A handler holding a write transaction
# on SQLite cannot show its progress to other connections before commit; the thread runner shares this
# process with the pages that poll, which read it from here (``job_live``).
_live: dict[int, tuple[int, int, str]] = {}
RUNNER_PREFIX = f"{socket.gethostname()}:{os.getpid()}"
# Job id -> when progress was last written aside; None once the row proved unreachable from outside the
# handler's transaction (created in it, or locked by it): from then on progress goes through the handler's
# connection.
_last_aside: dict[int, float | None] = {}
# Job id -> the side connection held for its progress while a long transaction runs (job_progress_connection).
_held_aside: dict[int, BaseDatabaseWrapper] = {}


@contextmanager
def job_progress_connection(job: Job | None) -> Iterator[None]:
    """Hold one side connection for ``job``'s progress while a long transaction runs (a file import).

    ``job_progress`` then writes aside through it instead of opening a connection at each report. Nothing
    to hold without a job or off PostgreSQL (SQLite shows the progress at commit).
    """
    if job is None or connections[Job.objects.db].vendor != "postgresql" or job.pk in _held_aside:
        yield
        return
    _held_aside[job.pk] = connections.create_connection(Job.objects.db)
    try:
        yield
    finally:
        _held_aside.pop(job.pk).close()


def _progress_write_aside(job: Job, fields: dict[str, Any], *, final: bool) -> bool:
    """Write progress on a separate autocommit connection. False when the caller must write it itself."""
    now = time.monotonic()
    if not final and now - (_last_aside.get(job.pk) or 0.0) < PROGRESS_EVERY:
        return True  # kept on the job object; job_run writes the last values when the job ends
    _last_aside[job.pk] = now
    columns = sorted(fields)
    held = _held_aside.get(job.pk)
    side = held or connections.create_connection(Job.objects.db)
    try:
        with side.cursor() as cursor:
            # SKIP LOCKED: if the handler's own transaction already locked the row, do not wait for it.
            cursor.execute(
                f"UPDATE {Job._meta.db_table} SET {', '.join(f'{c} = %s' for c in columns)} "  # noqa: S608
                f"WHERE id = (SELECT id FROM {Job._meta.db_table} WHERE id = %s FOR UPDATE SKIP LOCKED)",
                [*(fields[c] for c in columns), job.pk],
            )
            written = cursor.rowcount == 1
    finally:
        if held is None:
            side.close()
    if not written:
        _last_aside[job.pk] = None
    return written


def job_run(job_id: int) -> Job:
    """Run one job now, in this thread. Failures are recorded on the job, never raised."""
    job = _retry_while_locked(lambda: Job.objects.get(pk=job_id))
    if job.is_finished:
        return job
    runner = f"{settings.RELAIS_TASK_BACKEND}:{RUNNER_PREFIX}"
    _job_update(job.pk, status=Job.Status.RUNNING, started_at=timezone.now(), runner=runner)
    job.status, job.runner = Job.Status.RUNNING, runner
    _live[job.pk] = (0, 0, "")  # running here: see job_live
    try:
        result = _handler_for(job.kind)(job) or {}
    except Exception as exc:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        message = getattr(exc, "message", None) or str(exc) or exc.__class__.__name__
        _job_update(
            job.pk,
            **_progress_fields(job),
            status=Job.Status.FAILED,
            error=f"{message}\n\n{traceback.format_exc()}"[:20000],
            message=str(message)[:300],
            finished_at=timezone.now(),
        )
    else:
        _job_update(
            job.pk,
            status=Job.Status.SUCCEEDED,
            result=result,
            finished_at=timezone.now(),
            **_progress_fields(job),
        )
    finally:
        _last_aside.pop(job.pk, None)
        _live.pop(job.pk, None)
    job.refresh_from_db()
    return job


def job_live(job: Job) -> Job:
    """The job with the progress its handler last reported in this process, if it runs here (see ``_live``).

    A running job of the thread runner whose process is gone (the server restarted mid-way) is marked
    failed here, so its page stops waiting and the work can be started again (imports are atomic).
    """
    if job.status != Job.Status.RUNNING:
        return job
    live = _live.get(job.pk)
    if live is not None:
        job.progress_done, job.progress_total, job.message = live
        return job
    if _runner_is_gone(job.runner):
        message = str(_("Interrupted: the server stopped while this ran. Nothing was kept; start it again."))
        Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
            status=Job.Status.FAILED, message=message[:300], error=message, finished_at=timezone.now()
        )
        job.refresh_from_db()
    return job


def _runner_is_gone(runner: str) -> bool:
    """True when an in-process runner's process is known to be dead (same host, no such pid, or this very
    process but the job is not in its thread). Celery's workers redeliver their own lost jobs."""
    backend, _sep, where = runner.partition(":")
    if backend != "inprocess":
        return False
    host, _sep, pid_text = where.rpartition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return True  # it would be in _live if this process's thread were running it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _progress_fields(job: Job) -> dict[str, Any]:
    """The last progress the handler reported (some reports are kept in memory only, see job_progress)."""
    if not job.progress_done and not job.progress_total:
        return {}
    return {"progress_done": job.progress_done, "progress_total": job.progress_total}


def _dispatch(job_id: int) -> None:
    backend = settings.RELAIS_TASK_BACKEND
    if backend not in BACKENDS:
        raise ImproperlyConfigured(f"RELAIS_TASK_BACKEND must be one of {sorted(BACKENDS)}, not {backend!r}")
    if backend == "eager":
        job_run(job_id)
    elif backend == "deferred":
        return  # job_run_queued picks it up
    elif backend == "celery":
        # The project's Celery app, explicitly: a bare shared_task would fall back to Celery's default app
        # (an AMQP broker on localhost) in a web process that never imported config.celery. Imported here
        # only when the Celery backend is configured, so the demo and the tests never load Celery's app.
        from config.celery import app as celery_app  # noqa: PLC0415

        celery_app.send_task("relais.run_job", args=[job_id])
    else:
        _ensure_worker()
        _queue.put(job_id)


def _ensure_worker() -> None:
    global _worker
    with _worker_lock:
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_work_forever, name="relais-jobs", daemon=True)
            _worker.start()


def _work_forever() -> None:
    while True:
        job_id = _queue.get()
        try:
            close_old_connections()
            job_run(job_id)
        except Exception:  # the worker must survive any job
            logger.exception("job runner crashed on job %s", job_id)
        finally:
            # This thread may idle for hours between jobs: hold no database connection meanwhile.
            connections.close_all()
            _queue.task_done()


def job_run_queued(*, limit: int | None = None) -> int:
    """Run queued jobs now, oldest first, in this thread; returns how many ran (``manage.py run_jobs``)."""
    ran = 0
    while limit is None or ran < limit:
        job_id = (
            Job.objects.filter(status=Job.Status.QUEUED).order_by("pk").values_list("pk", flat=True).first()
        )
        if job_id is None:
            break
        # Claim it first, so two run_jobs processes never run the same job.
        if Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(status=Job.Status.RUNNING):
            job_run(job_id)
            ran += 1
    return ran


def job_wait_idle(timeout: float = 30.0) -> None:
    """Block until the in-process queue is drained (for the demo's loader and browser tests)."""
    deadline = time.monotonic() + timeout
    while _queue.unfinished_tasks and time.monotonic() < deadline:
        time.sleep(0.05)

"""The production stack on this machine's real services: gunicorn (production settings) on PostgreSQL, a
Celery worker on Redis. Started once for the end-to-end run (``make test-e2e``, the last step of .ci/run).

Nothing here is mocked: the scenario talks HTTP to gunicorn, the jobs go through Redis to the worker.
An unreachable PostgreSQL or Redis fails the run; it never skips.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get("RELAIS_E2E_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("RELAIS_E2E_REDIS", "redis://127.0.0.1:6379")
BROKER_DB, CACHE_DB = 13, 14


@dataclass
class Stack:
    base_url: str
    database_url: str
    seed: dict[str, Any]
    logs: Path

    def sql(self, query: str, *params: object) -> list[tuple[Any, ...]]:
        """Read the stack's database (for assertions on where the work ran)."""
        with psycopg.connect(self.database_url) as conn:
            return conn.execute(query, params).fetchall()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(args: list[str], env: dict[str, str], logs: Path, name: str) -> str:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    (logs / f"{name}.log").write_text(done.stdout + done.stderr)
    if done.returncode != 0:
        raise AssertionError(
            f"{name} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
        )
    return done.stdout


def _wait_healthy(url: str, processes: dict[str, subprocess.Popen[bytes]], logs: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for name, process in processes.items():
            if process.poll() is not None:
                raise AssertionError(f"{name} exited: {(logs / f'{name}.log').read_text()[-4000:]}")
        try:
            if requests.get(f"{url}/healthz", timeout=10).status_code == 200:
                return
        except requests.RequestException:
            pass  # still booting
        time.sleep(0.3)
    raise AssertionError(f"gunicorn did not answer /healthz: {(logs / 'gunicorn.log').read_text()[-4000:]}")


def _wait_worker_ready(env: dict[str, str], logs: Path) -> None:
    args = [str(BIN / "celery"), "-A", "config.celery", "inspect", "ping", "--timeout", "2"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done = subprocess.run(
            args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=30, check=False
        )
        if done.returncode == 0 and "pong" in done.stdout:
            return
        time.sleep(0.5)
    raise AssertionError(f"the Celery worker did not answer: {(logs / 'celery.log').read_text()[-4000:]}")


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    work = Path(tempfile.mkdtemp(prefix="relais-e2e-"))
    logs = work / "logs"
    logs.mkdir()
    db_name = f"relais_e2e_{os.getpid()}"
    database_url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{db_name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{db_name}"')
        admin.execute(f'CREATE DATABASE "{db_name}"')
    for db in (BROKER_DB, CACHE_DB):
        redis.Redis.from_url(f"{REDIS_URL}/{db}").flushdb()
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "DB"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "RELAIS_TASK_BACKEND": "celery",
        "CELERY_BROKER_URL": f"{REDIS_URL}/{BROKER_DB}",
        "REDIS_URL": f"{REDIS_URL}/{CACHE_DB}",
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_DIR": str(work / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "RELAIS_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "RELAIS_WEB_THREADS": "4",
        "PYTHONPATH": str(ROOT),
    }
    manage = [str(BIN / "python"), "manage.py"]
    _run([*manage, "check", "--deploy", "--fail-level", "WARNING"], env, logs, "check")
    _run([*manage, "migrate", "--noinput", "-v", "0"], env, logs, "migrate")
    _run([*manage, "collectstatic", "--noinput", "-v", "0"], env, logs, "collectstatic")
    seeded = _run([*manage, "shell", "-c", "from tests.e2e.seed import main; main()"], env, logs, "seed")
    seed = json.loads(seeded.strip().splitlines()[-1])
    processes: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for name, args in {
            "celery": [str(BIN / "celery"), "-A", "config.celery", "worker", "--pool", "solo", "-l", "info"],
            "gunicorn": [str(BIN / "gunicorn"), "-c", "config/gunicorn.py", "config.wsgi:application"],
        }.items():
            log = (logs / f"{name}.log").open("wb")
            processes[name] = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        base_url = f"http://127.0.0.1:{port}"
        _wait_healthy(base_url, processes, logs)
        _wait_worker_ready(env, logs)
        yield Stack(base_url=base_url, database_url=database_url, seed=seed, logs=logs)
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')

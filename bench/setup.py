"""The database and Django set-up every benchmark shares: a fresh database of its own, then ``django.setup()``.

``DB=postgres`` recreates a PostgreSQL database named for the benchmark on 127.0.0.1:5432; otherwise a fresh
SQLite file in the temporary directory. A ``DATABASE_URL`` already set is used as it is.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

PG_SERVER = "postgres://postgres@127.0.0.1:5432"


def recreate_pg_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def django_setup(name: str, *, migrate: bool = True) -> None:
    """Point Django at a fresh database for benchmark ``name`` and set it up (and migrate it, by default)."""
    from django.conf import settings

    if settings.configured:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    if "DATABASE_URL" not in os.environ:
        if os.environ.get("DB", "").lower() in {"postgres", "postgresql", "pg"}:
            database = os.environ.get("BENCH_PG_DB", f"relais_bench_{name}")
            recreate_pg_database(database)
            os.environ["DATABASE_URL"] = f"{PG_SERVER}/{database}"
        else:
            path = Path(tempfile.gettempdir()) / f"relais-bench-{name}.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)

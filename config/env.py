"""Every environment variable Relais reads, read here and nowhere else."""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# DB=postgres is the short form CI uses; DATABASE_URL wins when both are set.
POSTGRES_DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    if os.environ.get("DB", "").lower() in {"postgres", "postgresql", "pg"}:
        return POSTGRES_DEFAULT_URL
    return f"sqlite:///{BASE_DIR / 'db.sqlite3'}"

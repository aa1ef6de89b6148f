"""What the hand-written SQL of the rollups and the dashboard shares (tables, dates as the driver returns them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import Model


def quoted_table(model: type[Model]) -> str:
    """The model's table name, quoted for the current database."""
    return connection.ops.quote_name(model._meta.db_table)


def as_date(value: Any) -> dt.date:
    """A date column's value: SQLite returns text where PostgreSQL returns a date."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def month_sql(column: str) -> str:
    """SQL truncating a date ``column`` to the first day of its month."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"

"""The sell-out history the anomaly checks compare with: ``SalesHistory``, partner × product × month.

Trade-off: the alternative was one grouped query per batch over the partner's past lines for the batch's
products (bounded by the (partner, sale_date) index). It reads every past line of the partner again for each
batch, so its cost grows with the partner's history (not measured: the table was chosen up front). The
summary holds one row per product and month, is read once per import (24k rows for a partner of 1,000
products over two years), and is kept current by a delta per batch (``history_record``: one upsert of the
batch's groups); with it the checks take 5 % (SQLite) to 9 % (PostgreSQL) of a 100k-line import
(``bench/anomalies.py``).
What it does not follow: a flagged line approved later, and a line rejected after it was counted (reviews
are rare and only make the history more cautious).
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from django.db import connection

from relais.network.models import PartnerCompany
from relais.sellout.models import SalesHistory

TABLE = SalesHistory._meta.db_table
HISTORY_SCHEMA = {
    "partner_id": pl.Int64,
    "product_id": pl.Int64,
    "month": pl.Date,
    "units": pl.Int64,
    "max_quantity": pl.Int64,
    "max_amount": pl.Float64,
}
_CHUNK = 500
# Comparable partners read for a reference: enough for a median, bounded for a big network.
PEERS_MAX = 50


def month_of(column: str = "sale_date") -> pl.Expr:
    return pl.col(column).dt.truncate("1mo")


def history_read(
    *, partner_ids: list[int], product_ids: list[int] | None = None, since: dt.date
) -> pl.DataFrame:
    """The history rows of these partners (and products) from ``since``: one indexed query per chunk."""
    rows: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(partner_ids), _CHUNK):
            chunk = partner_ids[start : start + _CHUNK]
            sql = (
                f"SELECT partner_id, product_id, month, units, max_quantity, max_amount FROM {TABLE} "  # noqa: S608
                f"WHERE partner_id IN ({','.join(['%s'] * len(chunk))}) AND month >= %s"
            )
            params: list[int | dt.date] = [*chunk, since]
            if product_ids is not None:
                sql += f" AND product_id IN ({','.join(['%s'] * len(product_ids))})"
                params += product_ids
            cursor.execute(sql, params)
            rows += cursor.fetchall()
    return pl.DataFrame(
        [
            (p, q, m if isinstance(m, dt.date) else dt.date.fromisoformat(str(m)), u, x, float(a))
            for p, q, m, u, x, a in rows
        ],
        schema=HISTORY_SCHEMA,
        orient="row",
    )


def peers_of(partner: PartnerCompany) -> list[int]:
    """Comparable partners: same brand, kind and size (activity tier), active, other than this one."""
    return list(
        PartnerCompany.objects.filter(
            brand_id=partner.brand_id, kind=partner.kind, activity_tier=partner.activity_tier, is_active=True
        )
        .exclude(pk=partner.pk)
        .order_by("pk")
        .values_list("pk", flat=True)[:PEERS_MAX]
    )


def history_record(lines: pl.DataFrame, *, brand_id: int, partner_id: int) -> None:
    """Add a batch's accepted lines to the history: one upsert per (product, month) of the batch."""
    if lines.height == 0:
        return
    groups = (
        lines.group_by("product_id", month_of().alias("month"))
        .agg(
            pl.col("quantity").sum().alias("units"),
            pl.col("amount").cast(pl.Float64).sum().round(2).alias("amount"),
            pl.len().alias("lines"),
            pl.col("quantity").max().alias("max_quantity"),
            pl.col("amount").cast(pl.Float64).max().round(2).alias("max_amount"),
        )
        .sort("product_id", "month")
    )
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    sql = (
        f"INSERT INTO {TABLE} (brand_id, partner_id, product_id, month, units, amount, lines, max_quantity, "  # noqa: S608
        f"max_amount) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
        f"ON CONFLICT (partner_id, product_id, month) DO UPDATE SET units = {TABLE}.units + excluded.units, "
        f"amount = {TABLE}.amount + excluded.amount, lines = {TABLE}.lines + excluded.lines, "
        f"max_quantity = {greatest}({TABLE}.max_quantity, excluded.max_quantity), "
        f"max_amount = {greatest}({TABLE}.max_amount, excluded.max_amount)"
    )
    params = [
        (brand_id, partner_id, product, month, units, amount, count, max_q, max_a)
        for product, month, units, amount, count, max_q, max_a in groups.iter_rows()
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)

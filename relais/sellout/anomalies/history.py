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
    "lines": pl.Int64,
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
                f"SELECT partner_id, product_id, month, units, lines, max_quantity, max_amount FROM {TABLE} "  # noqa: S608
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
            (p, q, m if isinstance(m, dt.date) else dt.date.fromisoformat(str(m)), u, n, x, float(a))
            for p, q, m, u, n, x, a in rows
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


def history_groups(lines: pl.DataFrame) -> pl.DataFrame:
    """A batch's lines summed per (product, month): the delta it adds to the history."""
    return lines.group_by("product_id", month_of().alias("month")).agg(
        pl.col("quantity").sum().cast(pl.Int64).alias("units"),
        pl.col("amount").cast(pl.Float64).sum().alias("amount"),
        pl.len().cast(pl.Int64).alias("lines"),
        pl.col("quantity").max().cast(pl.Int64).alias("max_quantity"),
        pl.col("amount").cast(pl.Float64).max().alias("max_amount"),
    )


def history_merge(groups: list[pl.DataFrame]) -> pl.DataFrame:
    """Several deltas (``history_groups``) as one: sums added, largest lines kept."""
    return (
        pl.concat(groups)
        .group_by("product_id", "month")
        .agg(
            pl.col("units").sum(),
            pl.col("amount").sum(),
            pl.col("lines").sum(),
            pl.col("max_quantity").max(),
            pl.col("max_amount").max(),
        )
    )


def history_record(lines: pl.DataFrame, *, brand_id: int, partner_id: int) -> None:
    """Add accepted lines to the history (one upsert per product and month, ``history_write``)."""
    if lines.height:
        history_write(history_groups(lines), brand_id=brand_id, partner_id=partner_id)


def history_write(groups: pl.DataFrame, *, brand_id: int, partner_id: int) -> None:
    """Upsert a delta (``history_groups``) into the history.

    On PostgreSQL one ``INSERT ... SELECT FROM unnest(arrays) ON CONFLICT`` for the whole delta: the
    12k groups of a year-long 100k-line file took 1.07 s as 12k pipelined statements (a third of the import)
    and take one round trip so (docs/performance.md). SQLite runs in-process: ``executemany`` of the same
    upsert is as fast there.
    """
    if groups.height == 0:
        return
    groups = groups.sort("product_id", "month").with_columns(
        pl.col("amount").round(2), pl.col("max_amount").round(2)
    )
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    update = (
        f"ON CONFLICT (partner_id, product_id, month) DO UPDATE SET units = {TABLE}.units + excluded.units, "
        f"amount = {TABLE}.amount + excluded.amount, lines = {TABLE}.lines + excluded.lines, "
        f"max_quantity = {greatest}({TABLE}.max_quantity, excluded.max_quantity), "
        f"max_amount = {greatest}({TABLE}.max_amount, excluded.max_amount)"
    )
    columns = "brand_id, partner_id, product_id, month, units, amount, lines, max_quantity, max_amount"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = (
                f"INSERT INTO {TABLE} ({columns}) SELECT %s, %s, * FROM unnest("  # noqa: S608
                "%s::bigint[], %s::date[], %s::bigint[], %s::numeric[], %s::int[], %s::int[], %s::numeric[]) "
                + update
            )
            arrays = [groups[c].to_list() for c in _DELTA_COLUMNS]
            cursor.execute(sql, [brand_id, partner_id, *arrays])
            return
        sql = (
            f"INSERT INTO {TABLE} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "  # noqa: S608
            + update
        )
        cursor.executemany(
            sql, [(brand_id, partner_id, *row) for row in groups.select(_DELTA_COLUMNS).iter_rows()]
        )


_DELTA_COLUMNS = ["product_id", "month", "units", "amount", "lines", "max_quantity", "max_amount"]

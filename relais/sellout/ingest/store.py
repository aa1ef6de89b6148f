"""Writing checked lines in bulk, skipping the ones already known (same brand and dedup key).

PostgreSQL: COPY the batch into a temporary table, then ``INSERT ... SELECT ... ON CONFLICT (brand_id,
dedup_key) DO NOTHING RETURNING source_row``: exact under concurrent imports, and the unique index is probed
once per line, as part of the insert. (The alternative — look the keys up, then COPY only the new lines
straight into the table — is kept behind ``RELAIS_SELLOUT_PG_STRATEGY=lookup``; it measured slower.)

SQLite (one writer at a time, the transaction holds the write lock): one ``executemany`` of
``INSERT ... ON CONFLICT DO NOTHING``; the lines that went in are read back by id range.

Both return the ``source_row`` of the lines that were duplicates, so they can be reported.

A file import goes through ``Staging`` instead: each batch's new lines are appended to a temporary table
(no index), and the last batch is followed by one ``INSERT ... SELECT ... ORDER BY dedup_key``. Written batch
by batch, every batch of random keys walks the whole unique index again, so the time per line grew with the
table (+70 % in the store from 100k to 4M lines on SQLite); one sorted pass walks it once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import os
import re
from collections.abc import Iterable

import polars as pl
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from relais.core.models import Brand
from relais.sellout.ingest.fields import LINE_COLUMNS, TEXT_COLUMNS
from relais.sellout.models import DeclarationLine

TABLE = DeclarationLine._meta.db_table
# The columns of a line (model order) and those of them that are text: ``fields``, from the model.
COLUMNS = LINE_COLUMNS
_LOOKUP_CHUNK = 500
# "staging" (default): COPY into a temporary table, then INSERT ... SELECT ... ON CONFLICT DO NOTHING
# RETURNING. "lookup": look the batch's keys up, COPY the new lines straight into the table (falls back to
# staging on a concurrent insert). Staging measured 2.4x faster at one million lines: the lookup probes the
# unique index at random once more per line (docs/performance.md).
POSTGRES_STRATEGY = os.environ.get("RELAIS_SELLOUT_PG_STRATEGY", "staging")


def customer_ref_pseudonym(value: str, *, secret: str) -> str:
    """The stored form of a partner's customer number: HMAC-SHA256 (hex) of the number normalised (upper
    case, no spaces, dots or dashes, so "c-001" and "C 001" are one customer), keyed by the brand's secret.
    Empty stays empty."""
    normalised = re.sub(r"[\s.\-_/]", "", value or "").upper()
    if not normalised:
        return ""
    return hmac.new(secret.encode(), normalised.encode(), hashlib.sha256).hexdigest()


def pseudonymised(lines: pl.DataFrame, *, brand_id: int) -> pl.DataFrame:
    """Lines whose ``customer_ref`` holds the pseudonym instead of the clear number (once per distinct
    number; the brand's secret is read only when a batch carries customer numbers)."""
    if "customer_ref" not in lines.columns:
        return lines.with_columns(pl.lit("").alias("customer_ref"))
    refs = lines["customer_ref"].fill_null("")
    if lines.height == 0 or not (refs != "").any():
        return lines.with_columns(refs.alias("customer_ref"))
    secret = Brand.objects.values_list("customer_ref_secret", flat=True).get(pk=brand_id)
    distinct = refs.unique().to_list()
    table = {value: customer_ref_pseudonym(value, secret=secret) for value in distinct}
    return lines.with_columns(refs.replace_strict(table, return_dtype=pl.String).alias("customer_ref"))


def prepare_rows(lines: pl.DataFrame, *, brand_id: int, partner_id: int, declaration_id: int) -> pl.DataFrame:
    """Lines in the table's column order, every value ready for the driver, sorted by dedup key.

    The unique (brand, dedup key) index is the one index whose inserts land at random (the other ones follow
    the few sale dates, or the declaration): a batch written in key order walks it once instead of thrashing
    the page cache, which kept the time per line from growing with the table (measured: docs/performance.md).
    """
    now = timezone.now()
    if connection.vendor == "postgresql":
        created = now.isoformat()
    else:  # Django stores aware datetimes as naive UTC text on SQLite
        created = now.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    if "anomalies" not in lines.columns:  # lines that skipped the anomaly checks
        lines = lines.with_columns(pl.lit("[]").alias("anomalies"))
    lines = pseudonymised(lines, brand_id=brand_id)
    return (
        lines.with_columns(
            pl.lit(brand_id, dtype=pl.Int64).alias("brand_id"),
            pl.lit(partner_id, dtype=pl.Int64).alias("partner_id"),
            pl.lit(declaration_id, dtype=pl.Int64).alias("declaration_id"),
            pl.col("sale_date").cast(pl.String),
            pl.col("unit_price").cast(pl.String),
            pl.col("amount").cast(pl.String),
            pl.lit(created).alias("created_at"),
        )
        .select(COLUMNS)
        .sort("dedup_key")
    )


def store_lines(rows: pl.DataFrame, *, brand_id: int) -> list[int]:
    """Insert prepared rows whose key is new; return the ``source_row`` of those already known."""
    if rows.height == 0:
        return []
    if connection.vendor != "postgresql":
        return _store_sqlite(rows)
    if POSTGRES_STRATEGY == "staging":
        inserted = set(_insert_on_conflict(rows))
        return [r for r in rows["source_row"].to_list() if r not in inserted]
    duplicates, rows = _split_known(rows, brand_id=brand_id)
    if rows.height == 0:
        return duplicates
    try:
        with transaction.atomic():
            _bulk_write(rows, table=TABLE)
    except IntegrityError:
        # A key appeared between the lookup and the write (a concurrent import): the slower, exact path.
        inserted = set(_insert_on_conflict(rows))
        duplicates += [r for r in rows["source_row"].to_list() if r not in inserted]
    return duplicates


def _store_sqlite(rows: pl.DataFrame) -> list[int]:
    """SQLite: ``INSERT ... ON CONFLICT DO NOTHING`` in one executemany; the lines inserted are those with
    an id above the largest one before (ids only grow, and this transaction is the only writer).

    Looking the keys up first, as on PostgreSQL, reads random index pages in the middle of a big write
    transaction and evicts its dirty pages: measured 4x slower at one million lines.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {TABLE}")  # noqa: S608
        before = cursor.fetchone()[0]
    executemany_rows(rows, on_conflict_do_nothing=True)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT source_row FROM {TABLE} WHERE id > %s", [before])  # noqa: S608
        inserted = {row[0] for row in cursor.fetchall()}
    if len(inserted) == rows.height:
        return []
    return [r for r in rows["source_row"].to_list() if r not in inserted]


STAGING_TABLE = "_sellout_staged"


class Staging:
    """The new lines of one import, held in a temporary table until they are written in one sorted pass.

    ``add`` takes a prepared batch, reports the lines whose key the table already holds (the batch's keys
    are looked up in key order, and nothing has been written to the table yet, so the lookups only read) and
    stages the others. ``write`` inserts the staged lines in dedup-key order; it returns the lines another
    import wrote first in the meantime (PostgreSQL only: on SQLite the import's transaction holds the write
    lock from its first statement), as ``(source_row, status)``, so the caller counts them as duplicates.
    Keys within one import are distinct by construction (the occurrence counter, ``dedup.Occurrences``).
    """

    def __init__(self, *, brand_id: int, declaration_id: int) -> None:
        self.brand_id = brand_id
        self.declaration_id = declaration_id
        self.staged = 0
        _empty_temp_table(STAGING_TABLE)

    def add(self, rows: pl.DataFrame) -> list[int]:
        if rows.height == 0:
            return []
        duplicates, rows = _split_known(rows, brand_id=self.brand_id)
        if rows.height:
            _bulk_write(rows, table=STAGING_TABLE)
            self.staged += rows.height
        return duplicates

    def write(self) -> list[tuple[int, str]]:
        columns = ", ".join(COLUMNS)
        lost: list[tuple[int, str]] = []
        with connection.cursor() as cursor:
            if self.staged:
                if connection.vendor != "postgresql":
                    cursor.execute("PRAGMA cache_size = -65536")
                # "WHERE true" lets SQLite parse ON CONFLICT after INSERT ... SELECT.
                cursor.execute(
                    f"INSERT INTO {TABLE} ({columns}) SELECT {columns} FROM {STAGING_TABLE} "  # noqa: S608
                    f"WHERE true ORDER BY dedup_key ON CONFLICT (brand_id, dedup_key) DO NOTHING"
                )
                if cursor.rowcount != self.staged:
                    cursor.execute(
                        f"SELECT s.source_row, s.status FROM {STAGING_TABLE} s WHERE NOT EXISTS ("  # noqa: S608
                        f"SELECT 1 FROM {TABLE} l WHERE l.brand_id = %s AND l.dedup_key = s.dedup_key "
                        f"AND l.declaration_id = %s) ORDER BY s.source_row",
                        [self.brand_id, self.declaration_id],
                    )
                    lost = [(row[0], row[1]) for row in cursor.fetchall()]
            cursor.execute(f"DROP TABLE IF EXISTS {STAGING_TABLE}")
        self.staged = 0
        return lost


def _split_known(rows: pl.DataFrame, *, brand_id: int) -> tuple[list[int], pl.DataFrame]:
    """``source_row`` of the rows whose key the table already holds, and the other rows."""
    existing = existing_keys(rows["dedup_key"].to_list(), brand_id=brand_id)
    if not existing:
        return [], rows
    known = rows["dedup_key"].is_in(list(existing))
    return rows.filter(known)["source_row"].to_list(), rows.filter(~known)


def _empty_temp_table(name: str) -> None:
    """An empty temporary table ``name`` with the line table's columns, reused within a transaction (a new
    table per batch would hold one more lock each until commit: a loader adding many batches in one
    transaction runs out of PostgreSQL's lock table). Dropped at commit on PostgreSQL."""
    columns = ", ".join(COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {name} ON COMMIT DROP AS "  # noqa: S608
                f"SELECT {columns} FROM {TABLE} WITH NO DATA"
            )
            cursor.execute(f"TRUNCATE {name}")
        else:
            cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} AS SELECT {columns} FROM {TABLE} WHERE 0")  # noqa: S608
            cursor.execute(f"DELETE FROM temp.{name}")  # noqa: S608


def _bulk_write(rows: pl.DataFrame, *, table: str) -> None:
    if connection.vendor == "postgresql":
        copy_rows(rows, table=table)
    else:
        executemany_rows(rows, table=table)


def existing_keys(keys: list[str], *, brand_id: int) -> set[str]:
    found: set[str] = set()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One text parameter split server-side: adapting a 200k-item list in Python costs more.
            cursor.execute(
                f"SELECT dedup_key FROM {TABLE} "  # noqa: S608
                f"WHERE brand_id = %s AND dedup_key = ANY(string_to_array(%s, ','))",
                [brand_id, ",".join(keys)],
            )
            found.update(row[0] for row in cursor.fetchall())
            return found
        for start in range(0, len(keys), _LOOKUP_CHUNK):
            chunk = keys[start : start + _LOOKUP_CHUNK]
            placeholders = ",".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT dedup_key FROM {TABLE} WHERE brand_id = %s AND dedup_key IN ({placeholders})",  # noqa: S608
                [brand_id, *chunk],
            )
            found.update(row[0] for row in cursor.fetchall())
    return found


def _csv_bytes(rows: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    rows.write_csv(buffer, include_header=False, null_value="", quote_style="necessary")
    return buffer.getvalue()


def copy_rows(rows: pl.DataFrame, *, table: str = TABLE) -> None:
    """PostgreSQL COPY of prepared rows (CSV; empty text stays empty text, empty price is NULL)."""
    columns = ", ".join(COLUMNS)
    not_null = ", ".join(TEXT_COLUMNS)
    data = _csv_bytes(rows)
    with (
        connection.wrap_database_errors,  # driver errors (unique violation) as Django's IntegrityError
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL ({not_null}))"
        ) as copy,
    ):
        view = memoryview(data)
        for start in range(0, len(data), 8 * 1024 * 1024):
            copy.write(view[start : start + 8 * 1024 * 1024])


def _insert_on_conflict(rows: pl.DataFrame) -> Iterable[int]:
    """Stage the rows in a temporary table, insert those whose key is new, return their ``source_row``."""
    columns = ", ".join(COLUMNS)
    _empty_temp_table("_sellout_incoming")
    _bulk_write(rows, table="_sellout_incoming")
    with connection.cursor() as cursor:
        # "WHERE true" lets SQLite parse ON CONFLICT after INSERT ... SELECT.
        cursor.execute(
            f"INSERT INTO {TABLE} ({columns}) SELECT {columns} FROM _sellout_incoming WHERE true "  # noqa: S608
            f"ON CONFLICT (brand_id, dedup_key) DO NOTHING RETURNING source_row"
        )
        inserted = [row[0] for row in cursor.fetchall()]
        cursor.execute("DELETE FROM _sellout_incoming")
    return inserted


def executemany_rows(rows: pl.DataFrame, *, table: str = TABLE, on_conflict_do_nothing: bool = False) -> None:
    """SQLite: one executemany INSERT of prepared rows."""
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    sql = f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({placeholders})"  # noqa: S608
    if on_conflict_do_nothing:
        sql += " ON CONFLICT (brand_id, dedup_key) DO NOTHING"
    with connection.cursor() as cursor:
        # A 64 MiB page cache (default 2 MiB): the unique index on random keys outgrows the default at
        # a few hundred thousand lines, and every insert then reads its leaf page back from the OS.
        cursor.execute("PRAGMA cache_size = -65536")
        cursor.executemany(sql, rows.iter_rows())  # type: ignore[arg-type]  # any iterable of tuples works

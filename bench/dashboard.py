"""Brand dashboard on the rollups vs a DuckDB full scan of the same lines, measured in the same run.

    python -m bench.dashboard                      # SQLite, 1M and 10M lines
    BENCH_DASHBOARD_SIZES=200000 python -m bench.dashboard   # smaller
    DB=postgres python -m bench.dashboard          # PostgreSQL (database relais_bench_dashboard, recreated)

For each size: N sell-out lines are generated (deterministically, by DuckDB) into Parquet; loaded into the line
table in bulk (COPY on PostgreSQL, executemany on SQLite); the rollups are built with ``rollup_refresh``; then
the dashboard's reads (``dashboard_data``: totals, coverage and the seven breakdowns over 12 months, whole
network and one segment) are timed against DuckDB computing the same breakdowns by scanning the Parquet lines
(joined to the partner and product tables). Target: dashboard ≤ 0.1 × scan. Prints and returns the ratios.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.setup import django_setup

PARTNERS = 2000
PRODUCTS = 300
FAMILIES = 12
DAYS = 730  # 2025-01-01 .. 2026-12-31
REGIONS = [
    ("FR", "Île-de-France"),
    ("FR", "Bretagne"),
    ("FR", "Occitanie"),
    ("FR", "Grand Est"),
    ("FR", "Hauts-de-France"),
    ("FR", "Auvergne-Rhône-Alpes"),
    ("BE", "Wallonie"),
    ("BE", "Flandre"),
    ("CH", "Romandie"),
    ("DE", "Bayern"),
]
KINDS = ["distributor", "wholesaler", "reseller", "franchisee", "agent", "retailer"]
REPEAT = 7


def _timed(func, repeat: int = REPEAT) -> float:
    """Best wall time of ``func`` over ``repeat`` runs (after one warm-up), in seconds: the machine is shared,
    the minimum is the least disturbed measure, taken alike for both sides."""
    func()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def _network(brand) -> tuple[list[tuple], list[tuple]]:
    """Partners (idx, id, declaration id, country, region, kind) and products (idx, id, family, gtin, cents)."""
    import datetime as dt

    from django.utils import timezone
    from stdnum import ean

    from relais.catalog.models import Product
    from relais.network.models import PartnerCompany
    from relais.network.services import segment_create
    from relais.sellout.models import Declaration

    partners = PartnerCompany.objects.bulk_create(
        [
            PartnerCompany(
                brand=brand,
                code=f"B{i:05d}",
                name=f"Bench partner {i}",
                kind=KINDS[i % len(KINDS)],
                organisation="multi_brand",
                country=REGIONS[i % len(REGIONS)][0],
                region=REGIONS[i % len(REGIONS)][1],
            )
            for i in range(PARTNERS)
        ],
        batch_size=1000,
    )
    now = timezone.now()
    declarations = Declaration.objects.bulk_create(
        [
            Declaration(
                brand=brand,
                partner=p,
                period_start=dt.date(2025, 1, 1),
                period_end=dt.date(2026, 12, 31),
                source="file",
                status="submitted",
                submitted_at=now,
            )
            for p in partners
        ],
        batch_size=1000,
    )
    products = []
    for i in range(PRODUCTS):
        body = f"0399000{i:06d}"
        products.append(
            Product(
                brand=brand,
                gtin=body + ean.calc_check_digit(body),
                name=f"Bench product {i}",
                family=f"Family {i % FAMILIES:02d}",
                list_price=5 + (i * 7) % 300,
            )
        )
    products = Product.objects.bulk_create(products, batch_size=1000)
    for kind in KINDS[:3]:
        segment_create(brand=brand, name=f"Kind {kind}", rules={"kind": [kind]})
    segment_create(brand=brand, name="Belgium", rules={"country": ["BE"]})
    partner_rows = [
        (i, p.pk, d.pk, p.country, p.region, p.kind)
        for i, (p, d) in enumerate(zip(partners, declarations, strict=True))
    ]
    product_rows = [(i, p.pk, p.family, p.gtin, int(p.list_price) * 100) for i, p in enumerate(products)]
    return partner_rows, product_rows


def line_columns() -> list[str]:
    """The line table's columns that ``_generate`` fills: all of them (``ingest.fields``) but the unit price and
    the source row, which a dashboard never reads (imported here: the models need Django set up first)."""
    from relais.sellout.ingest.fields import LINE_COLUMNS

    return [c for c in LINE_COLUMNS if c not in {"unit_price", "source_row"}]


def _generate(duck, *, brand_id: int, size: int, folder: Path) -> Path:
    """N deterministic lines (hash of the row number) written to Parquet by DuckDB."""
    path = folder / f"lines-{size}.parquet"
    duck.execute(
        f"""
        COPY (
          WITH g AS (
            SELECT i,
                   hash(i, 1) % {PARTNERS} AS pidx,
                   hash(i, 2) % {PRODUCTS} AS gidx,
                   hash(i, 3) % 100 AS r,
                   hash(i, 4) % 1000 AS f,
                   CASE WHEN hash(i, 5) % 50 = 0 THEN -1 ELSE 1 + hash(i, 6) % 4 END AS quantity,
                   DATE '2025-01-01' + CAST(hash(i, 7) % {DAYS} AS INTEGER) AS sale_date
            FROM range({size}) t(i)
          )
          SELECT {brand_id} AS brand_id, p.id AS partner_id, p.declaration_id, pr.id AS product_id, pr.gtin,
                 CAST(g.quantity AS INTEGER) AS quantity,
                 CAST(g.quantity * pr.cents AS DECIMAL(16, 2)) / 100 AS amount,
                 'EUR' AS currency, g.sale_date,
                 CASE WHEN g.r < 25 THEN 'online' ELSE 'in_store' END AS channel,
                 '' AS invoice_ref, '' AS customer_type, '' AS customer_postcode_area, '' AS customer_segment,
                 '' AS customer_ref,
                 CASE WHEN g.f < 3 THEN 'Livraison en retard' WHEN g.f < 5 THEN 'Great quality, a bit expensive'
                      ELSE '' END AS feedback,
                 CASE WHEN g.r = 99 THEN 'rejected' WHEN g.r >= 97 THEN 'flagged' ELSE 'accepted' END AS status,
                 '' AS flag_reason, '[]' AS anomalies, 'bench-' || g.i AS dedup_key,
                 TIMESTAMPTZ '2026-11-01 12:00:00+00' AS created_at
          FROM g JOIN partners p ON p.idx = g.pidx JOIN products pr ON pr.idx = g.gidx
        ) TO '{path}' (FORMAT parquet)
        """
    )
    return path


def _load(duck, *, path: Path) -> float:
    """Bulk-load the Parquet lines into the line table; returns seconds."""
    from django.db import connection, transaction

    from relais.sellout.models import DeclarationLine

    table = DeclarationLine._meta.db_table
    names = line_columns()
    columns = ", ".join(names)
    start = time.perf_counter()
    if connection.vendor == "postgresql":
        csv_path = path.with_suffix(".csv")
        duck.execute(f"COPY (SELECT {columns} FROM '{path}') TO '{csv_path}' (HEADER false)")
        with transaction.atomic(), connection.cursor() as cursor:
            raw = cursor.connection.cursor()
            with (
                raw.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)") as copy,
                csv_path.open("rb") as fh,
            ):
                while chunk := fh.read(1 << 20):
                    copy.write(chunk)
        csv_path.unlink()
    else:
        placeholders = ", ".join(["%s"] * len(names))
        # Timestamps as text (as Django stores them in SQLite): fetching TIMESTAMPTZ would need pytz.
        select = ", ".join(
            "strftime(created_at, '%Y-%m-%d %H:%M:%S')" if c == "created_at" else c for c in names
        )
        result = duck.execute(f"SELECT {select} FROM '{path}'")
        with transaction.atomic(), connection.cursor() as cursor:
            while rows := result.fetchmany(50_000):
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - start


def _duck_dashboard(duck, path: Path, *, start: str, stop: str, kind: str | None) -> list:
    """What the dashboard shows, computed by scanning every line: totals by month, family, channel,
    country, region and kind (GROUPING SETS, one scan), optionally for one partner kind (a segment)."""
    kind_filter = f"AND p.kind = '{kind}'" if kind else ""
    return duck.execute(
        f"""
        SELECT date_trunc('month', l.sale_date) AS month, pr.family, l.channel, p.country,
               p.country || '|' || p.region AS region, p.kind,
               SUM(l.quantity) AS units, SUM(l.amount) AS amount, COUNT(*) AS lines
        FROM '{path}' l JOIN partners p ON p.id = l.partner_id JOIN products pr ON pr.id = l.product_id
        WHERE l.status = 'accepted' AND l.sale_date >= DATE '{start}' AND l.sale_date < DATE '{stop}'
          {kind_filter}
        GROUP BY GROUPING SETS ((month), (pr.family), (l.channel), (p.country), (region), (p.kind))
        """
    ).fetchall()


def run_size(size: int, folder: Path) -> dict[str, Any]:
    import duckdb
    from django.db import connection

    from relais.core.models import Brand
    from relais.insights.selectors import _breakdowns, dashboard_data, period_clean
    from relais.insights.services import rollup_refresh
    from relais.network.models import Segment

    # A fresh brand per run: the database may be shared with other benchmarks (bench/__main__.py).
    brand = Brand.objects.create(slug=f"bench-{size}-{time.time_ns()}", name=f"Bench {size}", currency="EUR")
    partner_rows, product_rows = _network(brand)
    duck = duckdb.connect()
    duck.execute(
        "CREATE TABLE partners (idx BIGINT, id BIGINT, declaration_id BIGINT, country VARCHAR, region VARCHAR, kind VARCHAR)"
    )
    duck.executemany("INSERT INTO partners VALUES (?, ?, ?, ?, ?, ?)", partner_rows)
    duck.execute("CREATE TABLE products (idx BIGINT, id BIGINT, family VARCHAR, gtin VARCHAR, cents BIGINT)")
    duck.executemany("INSERT INTO products VALUES (?, ?, ?, ?, ?)", product_rows)

    t0 = time.perf_counter()
    path = _generate(duck, brand_id=brand.pk, size=size, folder=folder)
    generate_s = time.perf_counter() - t0
    load_s = _load(duck, path=path)
    t0 = time.perf_counter()
    stats = rollup_refresh(brand=brand)
    rollup_s = time.perf_counter() - t0

    period = period_clean(brand=brand, start="2026-01", end="2026-12")
    segment = Segment.objects.get(brand=brand, name="Kind reseller")
    dashboard_s = _timed(lambda: dashboard_data(brand=brand, period=period, segment=None))
    dashboard_segment_s = _timed(lambda: dashboard_data(brand=brand, period=period, segment=segment))
    # Like for like: the figures the scan computes (totals by month and the five breakdowns), read from the
    # cube. dashboard_data adds network coverage (from the declarations) and the segment breakdown.
    same = ["month", "family", "channel", "country", "region", "kind"]
    charts_s = _timed(lambda: _breakdowns(brand=brand, period=period, segment=None, dimensions=same))
    charts_segment_s = _timed(
        lambda: _breakdowns(brand=brand, period=period, segment=segment, dimensions=same)
    )
    scan_s = _timed(lambda: _duck_dashboard(duck, path, start="2026-01-01", stop="2027-01-01", kind=None))
    scan_segment_s = _timed(
        lambda: _duck_dashboard(duck, path, start="2026-01-01", stop="2027-01-01", kind="reseller")
    )

    # Same answer both ways: 2026 units of counted lines.
    duck_units = duck.execute(
        f"SELECT SUM(quantity) FROM '{path}' WHERE status = 'accepted' AND sale_date >= DATE '2026-01-01'"
    ).fetchone()[0]
    ours = dashboard_data(brand=brand, period=period)["totals"]["units"]
    assert int(duck_units) == ours, (duck_units, ours)
    duck.close()
    path.unlink()
    return {
        "size": size,
        "db": connection.vendor,
        "generate_s": round(generate_s, 2),
        "load_s": round(load_s, 2),
        "rollup_refresh_s": round(rollup_s, 2),
        "rollup_rows": stats.get("rollup_rows", 0),
        "cube_rows": stats.get("cube_rows", 0),
        "dashboard_ms": round(dashboard_s * 1000, 2),
        "dashboard_segment_ms": round(dashboard_segment_s * 1000, 2),
        "duckdb_scan_ms": round(scan_s * 1000, 2),
        "duckdb_scan_segment_ms": round(scan_segment_s * 1000, 2),
        "ratio": round(dashboard_s / scan_s, 3),
        "ratio_segment": round(dashboard_segment_s / scan_segment_s, 3),
        "charts_ms": round(charts_s * 1000, 2),
        "charts_segment_ms": round(charts_segment_s * 1000, 2),
        "ratio_like_for_like": round(charts_s / scan_s, 3),
        "ratio_like_for_like_segment": round(charts_segment_s / scan_segment_s, 3),
        "target": 0.1,
    }


def run() -> dict:
    """Run the dashboard benchmark for every size in BENCH_DASHBOARD_SIZES (default 1M and 10M lines)."""
    django_setup("dashboard", migrate=False)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    sizes = [
        int(s) for s in os.environ.get("BENCH_DASHBOARD_SIZES", "1000000,10000000").split(",") if s.strip()
    ]
    results = []
    with tempfile.TemporaryDirectory(prefix="relais-bench-") as folder:
        for size in sizes:
            result = run_size(size, Path(folder))
            results.append(result)
            print(
                f"dashboard {result['db']} {size:>10,} lines: dashboard {result['dashboard_ms']} ms "
                f"(segment {result['dashboard_segment_ms']} ms) vs DuckDB scan {result['duckdb_scan_ms']} ms "
                f"(segment {result['duckdb_scan_segment_ms']} ms) → ratio {result['ratio']} "
                f"(segment {result['ratio_segment']}), target ≤ 0.1; like for like (the scan's figures from "
                f"the cube) {result['charts_ms']} ms → {result['ratio_like_for_like']} "
                f"(segment {result['charts_segment_ms']} ms → {result['ratio_like_for_like_segment']}); "
                f"load {result['load_s']} s, rollup build {result['rollup_refresh_s']} s",
                flush=True,
            )
    return {"dashboard": results}


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    run()

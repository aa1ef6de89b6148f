"""The cost of the anomaly checks: the same file through the ingest engine with the checks on and off, as a
ratio measured in one run, at each size; each import in its own process (its own peak RSS).

python -m bench.anomalies [--db sqlite|postgres] [--sizes 100000,1000000] [--repeat 3]

"off" is the import without any check: thresholds disabled *and* no history kept (the engine's ``record`` and
``flush`` skipped); "on" is the import as it runs in production (checks, then the history's delta). The
rounds alternate the order (off, on / on, off / ...) so a drift of the shared machine's load hits both; the
figures printed are the medians over the rounds. Per import: seconds, peak RSS (VmHWM), SQL statements
through Django's cursor (``execute_wrapper``; a COPY counts as none), and on "on" the time spent in the
checks themselves (``check``, ``record``, ``flush``).

The partner has two years of history (1,000 products × 24 months in the summary table, its volume scaled to
the file's), and the file declares one month (November 2026) of 50k-line batches, staged write.
Env: BENCH_PG_ADMIN_URL, BENCH_PG_DB (default relais_bench_anomalies).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

OUT = Path(__file__).resolve().parent / "out"
ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_DB = os.environ.get("BENCH_PG_DB", "relais_bench_anomalies")
SQLITE_PATH = OUT / "anomalies_bench.sqlite3"
PRODUCTS = 1000
BATCH = 50_000
MONTH = dt.date(2026, 11, 1)
BASE_LINES = 100_000  # the history's volume is that of a file of this size, scaled to the file's


def _database_url(db: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{SQLITE_PATH}"
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_DB


def _django(db: str) -> None:
    os.environ["DATABASE_URL"] = _database_url(db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()


def _recreate(db: str) -> None:
    OUT.mkdir(exist_ok=True)
    if "django" in sys.modules:  # a previous size's setup: let go of its database first
        from django.db import connections

        connections.close_all()
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    else:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}"')
            conn.execute(f'CREATE DATABASE "{PG_DB}"')


def setup(db: str, lines: int) -> None:
    """A fresh database: the brand, its partner, 1,000 products and two years of history."""
    _recreate(db)
    _django(db)
    from decimal import Decimal

    from django.core.management import call_command

    from bench.worker import list_price, product_gtin
    from relais.catalog.models import Product
    from relais.core.models import Brand
    from relais.network.models import PartnerCompany
    from relais.sellout.models import SalesHistory

    call_command("migrate", verbosity=0)
    brand = Brand.objects.create(slug="bench-anomalies", name="Bench", currency="EUR")
    partner = PartnerCompany.objects.create(
        brand=brand,
        code="A001",
        name="Bench partner",
        kind="reseller",
        organisation="multi_brand",
        country="FR",
    )
    products = Product.objects.bulk_create(
        Product(
            brand=brand,
            gtin=product_gtin(n),
            name=f"P{n}",
            family=f"F{n % 20}",
            list_price=Decimal(str(list_price(n))),
        )
        for n in range(PRODUCTS)
    )
    scale = lines / BASE_LINES
    month = dt.date(2024, 11, 1)
    rows = []
    for _m in range(24):
        for product in products:
            price = float(product.list_price or 0)
            # about what the file declares
            units = round(scale * (300 + (product.pk * 7 + month.month) % 100))
            rows.append(
                SalesHistory(
                    brand=brand,
                    partner=partner,
                    product=product,
                    month=month,
                    units=units,
                    amount=units * price,
                    lines=max(1, round(units / 3.5)),
                    max_quantity=8,
                    max_amount=6 * price,
                )
            )
        month = (month + dt.timedelta(days=32)).replace(day=1)
    SalesHistory.objects.bulk_create(rows, batch_size=5000)


def _frame(lines: int, tag: str) -> pl.DataFrame:
    """``lines`` sales of November 2026 over the 1,000 products (1 to 6 units at the list price)."""
    from bench.worker import list_price, product_gtin

    catalogue = pl.DataFrame(
        {
            "_p": list(range(PRODUCTS)),
            "gtin": [product_gtin(n) for n in range(PRODUCTS)],
            "unit_price": [f"{list_price(n):.2f}" for n in range(PRODUCTS)],
        },
        schema={"_p": pl.Int64, "gtin": pl.String, "unit_price": pl.String},
    )
    n = pl.col("n")
    frame = pl.DataFrame({"n": pl.int_range(0, lines, eager=True)}).with_columns(
        (n.hash(1) % PRODUCTS).cast(pl.Int64).alias("_p"),
        ((n.hash(2) % 6) + 1).cast(pl.String).alias("quantity"),
        (pl.lit("2026-11-") + ((n.hash(3) % 30) + 1).cast(pl.String).str.zfill(2)).alias("sale_date"),
        (pl.lit(f"{tag}-") + n.cast(pl.String)).alias("invoice_ref"),
        (n + 2).alias("__row"),
    )
    frame = frame.join(catalogue, on="_p", how="left", maintain_order="left")
    return frame.select("__row", "gtin", "quantity", "unit_price", "sale_date", "invoice_ref")


def _peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _reset() -> None:
    """Back to the state after ``setup``: no line, no declaration, the history without the file's month."""
    from django.db import connection

    from relais.sellout.models import Declaration, SalesHistory

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE sellout_declarationline, sellout_importrowerror CASCADE")
        else:
            cursor.execute("DELETE FROM sellout_declarationline")
    Declaration.objects.all().delete()
    SalesHistory.objects.filter(month__gte=MONTH).delete()


def one(db: str, mode: str, lines: int) -> dict:
    """One import, checks ``on`` or ``off``, in this process."""
    _django(db)
    from django.db import connection, transaction

    from relais.core.models import Brand
    from relais.network.models import PartnerCompany
    from relais.sellout.anomalies.checks import AnomalyChecks
    from relais.sellout.ingest.engine import Engine
    from relais.sellout.models import AnomalyThresholds, Declaration, Source

    brand = Brand.objects.get(slug="bench-anomalies")
    partner = PartnerCompany.objects.get(brand=brand, code="A001")
    _reset()
    AnomalyThresholds.objects.update_or_create(brand=brand, defaults={"enabled": mode == "on"})
    frame = _frame(lines, f"{mode}{time.time_ns()}")
    spent = {"checks": 0.0}
    for name in ("check", "record", "flush"):
        method = getattr(AnomalyChecks, name)
        if mode == "off" and name != "check":
            setattr(AnomalyChecks, name, lambda self, *args, **kwargs: None)
            continue

        def timed(self, *args, _method=method, **kwargs):
            started = time.perf_counter()
            try:
                return _method(self, *args, **kwargs)
            finally:
                spent["checks"] += time.perf_counter() - started

        setattr(AnomalyChecks, name, timed)
    statements = {"n": 0}

    def counter(execute, sql, params, many, context):
        statements["n"] += 1
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(counter), transaction.atomic():
        declaration = Declaration.objects.create(
            brand=brand,
            partner=partner,
            period_start=MONTH,
            period_end=dt.date(2026, 11, 30),
            source=Source.FILE,
        )
        engine = Engine(
            declaration=declaration,
            default_decimal=".",
            options={"decimal": ".", "date_order": "dmy"},
            staged=True,
        )
        for start in range(0, frame.height, BATCH):
            engine.run_batch(frame.slice(start, BATCH), raw_columns=None)
        engine.finish()
    seconds = time.perf_counter() - started
    return {
        "mode": mode,
        "lines": lines,
        "seconds": seconds,
        "checks_s": spent["checks"] if mode == "on" else 0.0,
        "statements": statements["n"],
        "peak_rss_mb": _peak_rss_mb(),
        "accepted": engine.total.accepted,
        "flagged": engine.total.flagged,
    }


def _child(db: str, mode: str, lines: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bench.anomalies", "--db", db, "--one", mode, "--sizes", str(lines)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"bench.anomalies child failed: {mode} {lines}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def measure(db: str, lines: int, repeat: int) -> dict:
    setup(db, lines)
    runs: dict[str, list[dict]] = {"on": [], "off": []}
    ratios = []
    for round_ in range(repeat):
        order = ("off", "on") if round_ % 2 == 0 else ("on", "off")
        got = {mode: _child(db, mode, lines) for mode in order}
        for mode, run in got.items():
            runs[mode].append(run)
        ratios.append(got["on"]["seconds"] / got["off"]["seconds"])
    on, off = runs["on"], runs["off"]
    return {
        "db": db,
        "lines": lines,
        "rounds": repeat,
        "ratio_on_off_median": round(statistics.median(ratios), 3),
        "ratios": [round(r, 3) for r in ratios],
        "off_s_median": round(_median(off, "seconds"), 2),
        "on_s_median": round(_median(on, "seconds"), 2),
        "checks_s_median": round(_median(on, "checks_s"), 2),
        "checks_share_of_on": round(_median(on, "checks_s") / _median(on, "seconds"), 3),
        "statements_off": off[0]["statements"],
        "statements_on": on[0]["statements"],
        "peak_rss_mb_off": round(max(r["peak_rss_mb"] for r in off)),
        "peak_rss_mb_on": round(max(r["peak_rss_mb"] for r in on)),
        "flagged_on": on[0]["flagged"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--one", choices=["on", "off"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.one:
        print(json.dumps(one(args.db, args.one, sizes[0])))
        return
    results = []
    for size in sizes:
        results.append(measure(args.db, size, args.repeat))
        print(json.dumps(results[-1]), flush=True)
    OUT.mkdir(exist_ok=True)
    (OUT / f"anomalies_{args.db}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

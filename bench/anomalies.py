"""The cost of the anomaly checks: the same 100k-line file (50k-line batches, staged write) through the
ingest engine with the checks on, then off, in one run on one database; prints the ratio.

python -m bench.anomalies [--db sqlite|postgres] [--lines 100000]

The partner has two years of history (1000 products × 24 months in the summary table, as the engine keeps
it), so the checks read and compare a realistic profile.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import time
from pathlib import Path

import polars as pl

OUT = Path(__file__).resolve().parent / "out"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_DB = os.environ.get("BENCH_PG_DB", "relais_bench_anomalies")
SQLITE_PATH = OUT / "anomalies_bench.sqlite3"
PRODUCTS = 1000
BATCH = 50_000


def _database(db: str) -> None:
    OUT.mkdir(exist_ok=True)
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    else:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}"')
            conn.execute(f'CREATE DATABASE "{PG_DB}"')
        os.environ["DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_DB
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _network():
    from decimal import Decimal

    from bench.worker import list_price, product_gtin
    from relais.catalog.models import Product
    from relais.core.models import Brand
    from relais.network.models import PartnerCompany
    from relais.sellout.models import SalesHistory

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
    month = dt.date(2024, 10, 1)
    rows = []
    for _m in range(24):
        for product in products:
            units = 300 + (product.pk * 7 + month.month) % 100  # about what the file declares
            rows.append(
                SalesHistory(
                    brand=brand,
                    partner=partner,
                    product=product,
                    month=month,
                    units=units,
                    amount=units * float(product.list_price),
                    lines=units // 2,
                    max_quantity=8,
                    max_amount=6 * float(product.list_price),
                )
            )
        month = (month + dt.timedelta(days=32)).replace(day=1)
    SalesHistory.objects.bulk_create(rows, batch_size=5000)
    return brand, partner, products


def _frame(products, lines: int, tag: str) -> pl.DataFrame:
    rng = random.Random(5)
    chosen = [products[rng.randrange(len(products))] for _i in range(lines)]
    return pl.DataFrame(
        {
            "__row": list(range(2, lines + 2)),
            "gtin": [p.gtin for p in chosen],
            "quantity": [str(rng.randint(1, 6)) for _i in range(lines)],
            "unit_price": [f"{float(p.list_price):.2f}" for p in chosen],
            "sale_date": [f"2026-11-{rng.randint(1, 30):02d}" for _i in range(lines)],
            "invoice_ref": [f"{tag}-{i}" for i in range(lines)],
        }
    )


def _import(brand, partner, frame: pl.DataFrame) -> tuple[float, int]:
    from django.db import transaction

    from relais.sellout.ingest.engine import Engine
    from relais.sellout.models import Declaration, Source

    started = time.perf_counter()
    with transaction.atomic():
        declaration = Declaration.objects.create(
            brand=brand,
            partner=partner,
            period_start=dt.date(2026, 11, 1),
            period_end=dt.date(2026, 11, 30),
            source=Source.FILE,
        )
        engine = Engine(
            declaration=declaration,
            default_decimal=".",
            options={"decimal": ".", "date_order": "dmy"},
            staged=True,
        )
        _timed(engine.anomalies)
        for start in range(0, frame.height, BATCH):
            engine.run_batch(frame.slice(start, BATCH), raw_columns=None)
        engine.finish()
    return time.perf_counter() - started, engine.total.flagged


SPENT = {"checks": 0.0}


def _timed(checks) -> None:
    """Count the time spent in the checks themselves (the machine is shared: the on/off ratio is noisy)."""
    for name in ("check", "record"):
        method = getattr(checks, name)

        def wrapper(*args, _method=method, **kwargs):
            started = time.perf_counter()
            try:
                return _method(*args, **kwargs)
            finally:
                SPENT["checks"] += time.perf_counter() - started

        setattr(checks, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--lines", type=int, default=100_000)
    args = parser.parse_args()
    _database(args.db)
    from relais.sellout.models import AnomalyThresholds

    brand, partner, products = _network()
    thresholds = AnomalyThresholds.objects.create(brand=brand, enabled=False)
    _warm, _flagged = _import(brand, partner, _frame(products, 5000, "W"))
    off, _flagged = _import(brand, partner, _frame(products, args.lines, "OFF"))
    thresholds.enabled = True
    thresholds.save()
    SPENT["checks"] = 0.0
    on, flagged = _import(brand, partner, _frame(products, args.lines, "ON"))
    print(
        json.dumps(
            {
                "db": args.db,
                "lines": args.lines,
                "off_s": round(off, 2),
                "on_s": round(on, 2),
                "ratio": round(on / off, 3),
                "checks_s": round(SPENT["checks"], 2),
                "checks_share_of_on": round(SPENT["checks"] / on, 3),
                "flagged": flagged,
            }
        )
    )


if __name__ == "__main__":
    main()

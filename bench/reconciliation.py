"""Reconciliation of one month for a large network, as a ratio to a plain GROUP BY of the same lines.

    python -m bench.reconciliation                          # SQLite, 10k partners × 1k products
    BENCH_RECONCILE_PARTNERS=1000 python -m bench.reconciliation
    DB=postgres python -m bench.reconciliation              # PostgreSQL (database relais_bench_reconcile,
                                                            # or BENCH_PG_DB), 10k partners as on SQLite

The catalogue has BENCH_RECONCILE_PRODUCTS products (default 1,000); each of BENCH_RECONCILE_PARTNERS partners
(default 10,000) carries BENCH_RECONCILE_ACTIVE of them (default 20): per partner × product one sell-in line,
two sell-out lines in the month, an opening snapshot (end of the previous month) and a closing one. Timed:

    reconcile  ``reconciliation_rows`` for the month (four grouped queries joined in polars, rows built)
    group_by   the floor: one plain ``SELECT partner_id, gtin, SUM(quantity) … GROUP BY partner_id, gtin`` over
               the same sell-in, sell-out and snapshot lines (UNION ALL), fetched

Reported: the median of ROUNDS runs of each, reconcile / group_by, and the SQL statements each sends (the
same under any load: the reconciliation's cost does not hide a query per partner).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import random
import statistics
import time
from collections.abc import Iterator

from bench.setup import django_setup

ROUNDS = 3


def _network(partners: int, products: int, active: int) -> object:
    from stdnum import ean

    from relais.catalog.models import Product
    from relais.core.models import Brand
    from relais.network.models import PartnerCompany
    from relais.sellout.models import Declaration, DeclarationLine
    from relais.stock.models import SellInLine, StockSnapshot

    rng = random.Random(7)
    brand = Brand.objects.create(slug="bench-reconcile", name="Bench reconcile")
    gtins = []
    for n in range(products):
        body = f"0376{n:09d}"
        gtins.append(body + ean.calc_check_digit(body))
    Product.objects.bulk_create(
        [Product(brand=brand, gtin=g, name=f"P{n}") for n, g in enumerate(gtins)], batch_size=5000
    )
    product_ids = dict(Product.objects.filter(brand=brand).values_list("gtin", "id"))
    PartnerCompany.objects.bulk_create(
        (
            PartnerCompany(
                brand=brand,
                code=f"R{n:06d}",
                name=f"R{n}",
                kind="reseller",
                organisation="multi_brand",
                country="FR",
            )
            for n in range(partners)
        ),
        batch_size=5000,
    )
    partner_ids = list(PartnerCompany.objects.filter(brand=brand).values_list("id", flat=True))
    Declaration.objects.bulk_create(
        (
            Declaration(
                brand=brand,
                partner_id=p,
                period_start=dt.date(2026, 3, 1),
                period_end=dt.date(2026, 3, 31),
                source="file",
                status="submitted",
            )
            for p in partner_ids
        ),
        batch_size=5000,
    )
    declaration_ids = dict(Declaration.objects.filter(brand=brand).values_list("partner_id", "id"))
    sellin, sellout, snapshots = [], [], []
    for p in partner_ids:
        for gtin in rng.sample(gtins, active):
            product_id = product_ids[gtin]
            opening, shipped = rng.randrange(0, 30), rng.randrange(1, 40)
            first, second = rng.randrange(0, 20), rng.randrange(0, 20)
            closing = max(0, opening + shipped - first - second + rng.choice((0, 0, 0, -3, 5)))
            sellin.append(
                SellInLine(
                    brand=brand,
                    partner_id=p,
                    product_id=product_id,
                    gtin=gtin,
                    ship_date=dt.date(2026, 3, 5),
                    reference="BL",
                    quantity=shipped,
                )
            )
            for day, quantity in ((10, first), (20, second)):
                sellout.append(
                    DeclarationLine(
                        brand=brand,
                        partner_id=p,
                        declaration_id=declaration_ids[p],
                        product_id=product_id,
                        gtin=gtin,
                        quantity=quantity,
                        amount=quantity * 10,
                        currency="EUR",
                        sale_date=dt.date(2026, 3, day),
                        dedup_key=f"{p}:{gtin}:{day}",
                    )
                )
            for day, quantity in ((dt.date(2026, 2, 28), opening), (dt.date(2026, 3, 31), closing)):
                snapshots.append(
                    StockSnapshot(
                        brand=brand,
                        partner_id=p,
                        product_id=product_id,
                        gtin=gtin,
                        stock_date=day,
                        quantity=quantity,
                    )
                )
    for model, rows in ((SellInLine, sellin), (DeclarationLine, sellout), (StockSnapshot, snapshots)):
        model.objects.bulk_create(rows, batch_size=5000)
    return brand


def _group_by(brand_id: int) -> int:
    from django.db import connection

    sql = """
        SELECT partner_id, gtin, SUM(quantity) FROM (
            SELECT partner_id, gtin, quantity FROM stock_sellinline
             WHERE brand_id = %s AND ship_date BETWEEN %s AND %s
            UNION ALL
            SELECT partner_id, gtin, quantity FROM sellout_declarationline
             WHERE brand_id = %s AND sale_date BETWEEN %s AND %s
            UNION ALL
            SELECT partner_id, gtin, quantity FROM stock_stocksnapshot
             WHERE brand_id = %s AND stock_date BETWEEN %s AND %s
        ) lines GROUP BY partner_id, gtin
    """
    month = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    window = (dt.date(2026, 2, 1), dt.date(2026, 3, 31))
    with connection.cursor() as cursor:
        cursor.execute(sql, [brand_id, *month, brand_id, *month, brand_id, *window])
        return len(cursor.fetchall())


@contextlib.contextmanager
def _counting(counts: dict[str, int], key: str) -> Iterator[None]:
    """Count the SQL statements sent through Django's cursor inside the block into ``counts[key]``."""
    from django.db import connection

    def counter(execute, sql, params, many, context):
        counts[key] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        yield


def main() -> None:
    partners = int(os.environ.get("BENCH_RECONCILE_PARTNERS", "10000"))
    products = int(os.environ.get("BENCH_RECONCILE_PRODUCTS", "1000"))
    active = int(os.environ.get("BENCH_RECONCILE_ACTIVE", "20"))
    django_setup("reconcile")
    from django.db import connection

    from relais.sellout.reconciliation import reconciliation_rows

    started = time.perf_counter()
    brand = _network(partners, products, active)
    built = time.perf_counter() - started
    reconcile, plain = [], []
    rows = flagged = keys = 0
    statements = {"reconcile": 0, "group_by": 0}
    for _ in range(ROUNDS):
        with _counting(statements, "reconcile"):
            t0 = time.perf_counter()
            result = reconciliation_rows(
                brand=brand, period_start=dt.date(2026, 3, 1), period_end=dt.date(2026, 3, 31)
            )
            reconcile.append(time.perf_counter() - t0)
        rows, flagged = len(result), sum(r.flagged for r in result)
        with _counting(statements, "group_by"):
            t0 = time.perf_counter()
            keys = _group_by(brand.pk)
            plain.append(time.perf_counter() - t0)
    report = {
        "database": connection.vendor,
        "partners": partners,
        "products": products,
        "active_per_partner": active,
        "lines": {"sell_in": rows, "sell_out": 2 * rows, "snapshots": 2 * rows},
        "rows": rows,
        "flagged": flagged,
        "group_by_keys": keys,
        "setup_s": round(built, 1),
        "reconcile_s": round(statistics.median(reconcile), 3),
        "group_by_s": round(statistics.median(plain), 3),
        "ratio": round(statistics.median(reconcile) / statistics.median(plain), 2),
        "statements": {k: v // ROUNDS for k, v in statements.items()},
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()

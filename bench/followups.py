"""One declaration's follow-ups at 1k vs 100k partners: what a submitted declaration costs the summary tables
must not grow with the network.

    python -m bench.followups                                  # SQLite, 1k and 100k partners
    BENCH_FOLLOWUPS_SIZES=1000,20000 python -m bench.followups
    DB=postgres python -m bench.followups                      # PostgreSQL (database relais_bench_followups)

For each size, one brand's network is generated in bulk: that many partners (six kinds, ten regions), four
segments over them, one sell-out line per partner in each of two months (one submitted declaration each),
then the rollups and the cube by one brand-wide ``rollup_refresh``. The measure is the follow-up of one
partner's new declaration (five lines in one month): ``rollup_after_declaration`` — the partner's rollups of
that month rebuilt from its lines, and the cube moved by its difference — timed for random partners, the
sizes in alternation, the best median of ``ROUNDS`` kept. For comparison, the cube rebuild of one month from
every partner's rollups (what each declaration paid before) is timed too. Reported: the ratio largest /
smallest (target within ±20 %).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.setup import django_setup

ROUNDS = 3
READS = 15
REBUILDS = 3
MONTHS = (dt.date(2026, 9, 1), dt.date(2026, 10, 1))
KINDS = ["distributor", "wholesaler", "reseller", "franchisee", "agent", "retailer"]
REGIONS = [
    ("FR", "Île-de-France"),
    ("FR", "Bretagne"),
    ("FR", "Occitanie"),
    ("FR", "Grand Est"),
    ("BE", "Wallonie"),
    ("BE", "Flandre"),
    ("CH", "Romandie"),
    ("DE", "Bayern"),
    ("FR", "Normandie"),
    ("FR", "Corse"),
]
BATCH = 5000


def _chunks(items: Any, size: int = BATCH) -> Any:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _network(size: int, rng: random.Random) -> dict[str, Any]:
    """The brand, its partners, products, segments and lines, written in bulk (one transaction: SQLite
    commits each batch otherwise); then the rollups and cube."""
    from django.db import transaction

    started = time.perf_counter()
    with transaction.atomic():
        brand, partner_ids, products = _bulk_network(size)
    return _summarised(brand, partner_ids, products, rng, started)


def _bulk_network(size: int) -> tuple[Any, list[int], list[Any]]:
    from django.utils import timezone
    from stdnum import ean

    from relais.catalog.models import Product
    from relais.core.models import Brand
    from relais.network.models import PartnerCompany
    from relais.network.services import segment_create
    from relais.sellout.models import Declaration, DeclarationLine

    brand = Brand.objects.create(
        slug=f"bench-fu-{size}-{time.time_ns()}", name=f"Bench {size}", currency="EUR"
    )
    for chunk in _chunks(
        PartnerCompany(
            brand=brand,
            code=f"F{n:07d}",
            name=f"Partner {n}",
            kind=KINDS[n % len(KINDS)],
            organisation="multi_brand",
            country=REGIONS[n % len(REGIONS)][0],
            region=REGIONS[n % len(REGIONS)][1],
        )
        for n in range(size)
    ):
        PartnerCompany.objects.bulk_create(chunk)
    partner_ids = list(PartnerCompany.objects.filter(brand=brand).values_list("pk", flat=True))
    products = []
    for i in range(20):
        body = f"0398{brand.pk % 1000:03d}{i:05d}"
        products.append(
            Product(
                brand=brand,
                gtin=body + ean.calc_check_digit(body),
                name=f"Product {i}",
                family=f"Family {i % 5}",
                list_price=Decimal(10 + i),
            )
        )
    products = Product.objects.bulk_create(products)
    now = timezone.now()
    for chunk in _chunks(
        Declaration(
            brand=brand,
            partner_id=pid,
            period_start=MONTHS[0],
            period_end=dt.date(2026, 10, 31),
            source="file",
            status="submitted",
            submitted_at=now,
        )
        for pid in partner_ids
    ):
        Declaration.objects.bulk_create(chunk)
    declarations = dict(Declaration.objects.filter(brand=brand).values_list("partner_id", "pk"))

    def lines() -> Any:
        for pid in partner_ids:
            for k, month in enumerate(MONTHS):
                item = products[(pid + k) % len(products)]
                quantity = 1 + (pid + k) % 4
                yield DeclarationLine(
                    brand=brand,
                    partner_id=pid,
                    declaration_id=declarations[pid],
                    product=item,
                    gtin=item.gtin,
                    quantity=quantity,
                    amount=item.list_price * quantity,
                    currency="EUR",
                    sale_date=month.replace(day=1 + (pid + k) % 28),
                    channel="online" if (pid + k) % 3 == 0 else "in_store",
                    status="accepted",
                    dedup_key=f"b{brand.pk}-{pid}-{k}",
                )

    for chunk in _chunks(lines()):
        DeclarationLine.objects.bulk_create(chunk)
    segment_create(brand=brand, name="Resellers", rules={"kind": ["reseller"]})
    segment_create(brand=brand, name="France", rules={"country": ["FR"]})
    segment_create(
        brand=brand, name="Belgian distributors", rules={"kind": ["distributor"], "country": ["BE"]}
    )
    segment_create(brand=brand, name="Everyone", rules={})
    return brand, partner_ids, products


def _summarised(
    brand: Any, partner_ids: list[int], products: list[Any], rng: random.Random, started: float
) -> dict[str, Any]:
    from django.db import connection

    from relais.insights.services import rollup_refresh

    stats = rollup_refresh(brand=brand)
    with connection.cursor() as cursor:  # fresh statistics so the planner sees the tables' real size
        cursor.execute("ANALYZE")
    return {
        "brand": brand,
        "partner_ids": partner_ids,
        "products": products,
        "setup_s": time.perf_counter() - started,
        "rollup_rows": stats.get("rollup_rows", 0),
        "cube_rows": stats.get("cube_rows", 0),
        "rng": rng,
    }


def _one_declaration(net: dict[str, Any], serial: int) -> float:
    """A new submitted declaration of a random partner (five lines in October), then its follow-up timed."""
    from django.utils import timezone

    from relais.insights.services import rollup_after_declaration
    from relais.sellout.models import Declaration, DeclarationLine

    brand, rng = net["brand"], net["rng"]
    pid = rng.choice(net["partner_ids"])
    declaration = Declaration.objects.create(
        brand=brand,
        partner_id=pid,
        period_start=MONTHS[1],
        period_end=dt.date(2026, 10, 31),
        source="api",
        status="submitted",
        submitted_at=timezone.now(),
    )
    items = rng.sample(net["products"], 5)
    DeclarationLine.objects.bulk_create(
        DeclarationLine(
            brand=brand,
            partner_id=pid,
            declaration=declaration,
            product=item,
            gtin=item.gtin,
            quantity=2,
            amount=item.list_price * 2,
            currency="EUR",
            sale_date=dt.date(2026, 10, 15),
            channel="in_store",
            status="accepted",
            dedup_key=f"new-{brand.pk}-{serial}-{n}",
        )
        for n, item in enumerate(items)
    )
    started = time.perf_counter()
    rollup_after_declaration(declaration=declaration)
    return time.perf_counter() - started


def _cube_month_rebuild(net: dict[str, Any]) -> float:
    """The cube of one month rebuilt from every partner's rollups: what each declaration cost before."""
    from django.db import transaction

    from relais.insights.services import _rebuild_cube_month

    started = time.perf_counter()
    with transaction.atomic():
        _rebuild_cube_month(brand=net["brand"], month=MONTHS[1])
    return time.perf_counter() - started


def _cube_matches_rebuild(net: dict[str, Any]) -> bool:
    """After the declarations, the cube moved by deltas equals the full rebuild."""
    from relais.insights.models import SelloutCube
    from relais.insights.services import cube_refresh

    def rows() -> list[tuple]:
        return sorted(
            (str(m), s or 0, d, k, u, a, n)
            for m, s, d, k, u, a, n in SelloutCube.objects.filter(brand=net["brand"]).values_list(
                "month", "segment_id", "dimension", "key", "units", "amount_cents", "lines"
            )
        )

    moved = rows()
    cube_refresh(brand=net["brand"])
    return rows() == moved


def run() -> dict[str, Any]:
    """Measure and print; returns the medians (ms) per size and the ratio."""
    django_setup("followups")
    from django.db import connection

    sizes = [int(s) for s in os.environ.get("BENCH_FOLLOWUPS_SIZES", "1000,100000").split(",") if s.strip()]
    rng = random.Random(11)
    nets = {}
    for size in sizes:
        nets[size] = _network(size, rng)
        print(
            f"followups {connection.vendor} {size:>7} partners: network, lines, rollups and cube in "
            f"{nets[size]['setup_s']:.1f} s ({nets[size]['rollup_rows']} rollup rows, "
            f"{nets[size]['cube_rows']} cube rows)",
            flush=True,
        )
    best: dict[int, dict[str, float]] = {size: {} for size in sizes}
    serial = 0
    # The machine is shared: sizes are measured in alternation, ROUNDS times, and the best median kept.
    for _round in range(ROUNDS):
        for size, net in nets.items():
            samples = []
            for _ in range(READS):
                serial += 1
                samples.append(_one_declaration(net, serial))
            rebuild = statistics.median(_cube_month_rebuild(net) for _ in range(REBUILDS))
            for name, seconds in (("followup_ms", statistics.median(samples)), ("rebuild_ms", rebuild)):
                best[size][name] = min(best[size].get(name, float("inf")), seconds * 1000)
    results: dict[str, Any] = {"db": connection.vendor, "sizes": best}
    for size in sizes:
        assert _cube_matches_rebuild(nets[size]), f"the cube moved by deltas differs from a rebuild at {size}"
        print(
            f"followups {connection.vendor} {size:>7} partners: one declaration's follow-up "
            f"{best[size]['followup_ms']:.2f} ms (the cube month rebuilt from every partner, as before: "
            f"{best[size]['rebuild_ms']:.1f} ms)",
            flush=True,
        )
    smallest, largest = min(sizes), max(sizes)
    ratio = best[largest]["followup_ms"] / best[smallest]["followup_ms"]
    rebuild_ratio = best[largest]["rebuild_ms"] / best[smallest]["rebuild_ms"]
    results.update(ratio=ratio, rebuild_ratio=rebuild_ratio)
    print(
        f"followups one declaration {largest} / {smallest} partners: ×{ratio:.2f} (target 0.8–1.2); "
        f"the cube month rebuild it replaces: ×{rebuild_ratio:.1f}; cube after the declarations = full rebuild",
        flush=True,
    )
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    run()

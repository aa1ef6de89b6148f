"""Page-time suite: every brand page and every partner-portal page on a brand of 10k partners, timed in-process.

    python -m bench.pages                                         # SQLite, 10k partners, 10M lines
    BENCH_PAGES_LINES=200000 python -m bench.pages                # a quick run
    DB=postgres python -m bench.pages                             # PostgreSQL (database relais_bench_dashboard, recreated)
    DATABASE_URL=postgres://.../mine python -m bench.pages        # an existing database of one's own

The network (BENCH_PAGES_PARTNERS partners, default 10,000, 300 products, segments) and the lines are generated
by DuckDB and bulk-loaded (COPY on PostgreSQL, executemany on SQLite) as in bench/dashboard.py, the rollups
built once; then each page (the lists of tests/platform/test_page_queries.py, plus the detail pages of one
partner) is read through Django's test client by a logged-in user: server time only, no network and no
browser. Prints the median of BENCH_PAGES_REPEAT reads (default 5, after one warm-up) and the query count of
each page; target ≤ 300 ms at the median. The query counts that must not grow with the data are asserted in
the test suite (tests/platform/test_page_queries.py, 5 vs 50 partners).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import bench.dashboard as data
from bench.dashboard import _generate, _load, _network
from bench.setup import django_setup

TARGET_MS = 300.0
BRAND_PAGES = [
    "network:brand_home",
    "network:partner_list",
    "network:segment_list",
    "catalog:product_list",
    "sellout:brand_declaration_list",
    "sellout:brand_review_queue",
    "sellout:brand_reconciliation",
    "incentives:challenges",
    "incentives:ledger",
    "incentives:objectives",
    "incentives:rewards",
    "incentives:orders",
    "insights:dashboard",
    "insights:dashboard_charts",
    "insights:top_partners",
    "insights:programme",
    "insights:feedback",
    "insights:undeclared",
    "comms:campaigns",
    "comms:brand_library",
]
PORTAL_PAGES = [
    "network:portal_home",
    "sellout:my_declarations",
    "stock:portal_stock",
    "incentives:my_challenges",
    "incentives:my_objectives",
    "incentives:my_points",
    "incentives:my_rewards",
    "incentives:my_orders",
    "insights:portal_insights",
    "comms:inbox",
    "comms:library",
    "apikeys:list",
]


def _time_page(client: Any, url: str, repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = client.get(url)
    times = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
            times.append((time.perf_counter() - start) * 1000)
        queries = len(captured.captured_queries)
    median = statistics.median(times)
    return {"url": url, "status": first.status_code, "median_ms": round(median, 1), "queries": queries}


def run() -> list[dict[str, Any]]:
    if "DATABASE_URL" not in os.environ and os.environ.get("DB", "").lower() not in {
        "postgres",
        "postgresql",
        "pg",
    }:
        path = Path(tempfile.gettempdir()) / "relais-bench-pages.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    django_setup("dashboard", migrate=False)
    import duckdb
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from relais.accounts.models import Role
    from relais.accounts.tests.factories import UserFactory, partner_user
    from relais.core.models import Brand
    from relais.insights.services import rollup_refresh
    from relais.network.models import PartnerCompany

    call_command("migrate", verbosity=0, interactive=False)
    partners = int(os.environ.get("BENCH_PAGES_PARTNERS", "10000"))
    lines = int(os.environ.get("BENCH_PAGES_LINES", "10000000"))
    repeat = int(os.environ.get("BENCH_PAGES_REPEAT", "5"))
    data.PARTNERS = partners  # _network and _generate read it

    brand = Brand.objects.create(slug=f"bench-pages-{time.time_ns()}", name="Pages", currency="EUR")
    partner_rows, product_rows = _network(brand)
    duck = duckdb.connect()
    duck.execute(
        "CREATE TABLE partners (idx BIGINT, id BIGINT, declaration_id BIGINT, country VARCHAR, region VARCHAR, "
        "kind VARCHAR)"
    )
    duck.executemany("INSERT INTO partners VALUES (?, ?, ?, ?, ?, ?)", partner_rows)
    duck.execute("CREATE TABLE products (idx BIGINT, id BIGINT, family VARCHAR, gtin VARCHAR, cents BIGINT)")
    duck.executemany("INSERT INTO products VALUES (?, ?, ?, ?, ?)", product_rows)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="relais-bench-pages-") as folder:
        load_s = _load(duck, path=_generate(duck, brand_id=brand.pk, size=lines, folder=Path(folder)))
    rollup_start = time.perf_counter()
    rollup_refresh(brand=brand)
    print(
        f"[{connection.vendor}] {partners:,} partners, {lines:,} lines: generated and loaded in "
        f"{rollup_start - start:.1f}s (load {load_s:.1f}s), rollups {time.perf_counter() - rollup_start:.1f}s",
        flush=True,
    )

    manager = UserFactory(email=f"pages-{brand.pk}@bench.test", role=Role.CHANNEL_MANAGER, brand=brand)
    partner = PartnerCompany.objects.filter(brand=brand).order_by("pk").first()
    assert partner is not None
    owner = partner_user(partner, email=f"owner-{brand.pk}@bench.test")
    # A page that fails is reported with its status, not raised: the suite goes on with the others.
    brand_client, portal_client = Client(raise_request_exception=False), Client(raise_request_exception=False)
    brand_client.force_login(manager)
    portal_client.force_login(owner)

    pages = [(brand_client, reverse(name), name) for name in BRAND_PAGES]
    pages += [
        (brand_client, reverse("network:partner_detail", args=[partner.pk]), "network:partner_detail"),
        (brand_client, reverse("insights:partner_detail", args=[partner.pk]), "insights:partner_detail"),
    ]
    pages += [(portal_client, reverse(name), name) for name in PORTAL_PAGES]
    results = []
    for client, url, name in pages:
        result = {"page": name, **_time_page(client, url, repeat)}
        results.append(result)
        mark = "ok" if result["median_ms"] <= TARGET_MS and result["status"] == 200 else "OVER"
        print(
            f"{name:<34} {result['median_ms']:>9.1f} ms  {result['queries']:>3} queries  "
            f"HTTP {result['status']}  {mark}",
            flush=True,
        )
    over = [r["page"] for r in results if r["median_ms"] > TARGET_MS]
    print(
        f"{len(results) - len(over)}/{len(results)} pages within {TARGET_MS:.0f} ms; over: {', '.join(over) or '-'}"
    )
    return results


if __name__ == "__main__":
    run()

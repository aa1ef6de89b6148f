"""A campaign to 1k and 10k recipients: time per recipient and memory flat, queries per batch constant.

    python -m bench.campaign                                  # SQLite, 1k and 10k recipients
    BENCH_CAMPAIGN_SIZES=1000,20000 python -m bench.campaign
    DB=postgres python -m bench.campaign                      # PostgreSQL (database relais_bench_campaign)

For each size, a brand with that many partners and one user each receives one announcement. Timed:
``message_deliver`` — recipients fixed at send time (``recipients_resolve``), then every e-mail rendered in
the reader's language and sent in batches of ``RELAIS_COMMS_EMAIL_BATCH`` over one connection: each batch
claimed and committed before its e-mails go out, then each e-mail's outcome written as it goes (attempted,
then sent: one autocommitted UPDATE each, so a killed job's retry sends exactly what was not accepted) —
through Django's console backend writing to /dev/null (the e-mail is fully rendered and serialised,
nothing is kept). Rate limit off.
Reported per size: ms per recipient, queries per recipient and per batch (counted), the peak of traced
Python allocations during a second send (tracemalloc); then the largest / smallest ratios.
Targets: time per recipient ratio ≤ 1.5, memory ratio ≤ 2 (flat: batches, not the whole list), queries
per batch equal at every size (the claim's SELECT and UPDATE, the read of the claimed rows with their
users, the bounced addresses, then two UPDATEs per e-mail: 2 × batch + a few).
"""

from __future__ import annotations

import os
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

from django.core.mail.backends.console import EmailBackend as ConsoleBackend

from bench.setup import django_setup


class NullConsoleBackend(ConsoleBackend):
    """The console backend (renders and writes each message) writing to /dev/null."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["stream"] = open(os.devnull, "w")  # noqa: SIM115 (closed with the process)
        super().__init__(*args, **kwargs)


class _QueryCounter:
    """Counts the queries of a send (a wrapper, so nothing is kept per query whatever the size)."""

    def __init__(self) -> None:
        self.total = self.batch_selects = self.delivery_updates = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.total += 1
        if "comms_delivery" in sql:
            self.batch_selects += sql.startswith("SELECT") and "LIMIT" in sql
            self.delivery_updates += sql.startswith("UPDATE")
        return execute(sql, params, many, context)


def _setup_django() -> None:
    from django.conf import settings

    django_setup("campaign")
    settings.EMAIL_BACKEND = "bench.campaign.NullConsoleBackend"
    settings.RELAIS_COMMS_EMAILS_PER_SECOND = 0.0


def _network(size: int) -> Any:
    from relais.accounts.models import User
    from relais.core.models import Brand
    from relais.network.models import PartnerCompany

    brand = Brand.objects.create(slug=f"bench-campaign-{size}", name=f"Bench {size}")
    PartnerCompany.objects.bulk_create(
        (
            PartnerCompany(
                brand=brand,
                code=f"P{n:07d}",
                name=f"Partner {n}",
                kind="reseller",
                organisation="multi_brand",
                country="FR",
            )
            for n in range(size)
        ),
        batch_size=2000,
    )
    partner_ids = PartnerCompany.objects.filter(brand=brand).values_list("pk", flat=True)
    User.objects.bulk_create(
        (
            User(
                email=f"u{pid}@bench-{size}.test",
                role="partner_admin",
                brand=brand,
                partner_id=pid,
                password="!",
                preferred_language="fr" if pid % 2 else "en",
            )
            for pid in partner_ids
        ),
        batch_size=2000,
    )
    return brand


def _campaign(brand: Any) -> Any:
    from relais.comms.models import Message

    return Message.objects.create(
        brand=brand,
        kind="announcement",
        category="marketing",
        status="sending",
        subject_en="Spring range",
        subject_fr="Gamme de printemps",
        body_en="The **spring** range is here: [see it](https://example.test/spring).",
        body_fr="La gamme de **printemps** est là : [la voir](https://example.test/printemps).",
    )


def run() -> dict[str, Any]:
    """Measure and print; returns per size the figures and the ratios."""
    _setup_django()
    from django.conf import settings
    from django.db import connection

    from relais.comms.services import message_deliver

    sizes = [int(s) for s in os.environ.get("BENCH_CAMPAIGN_SIZES", "1000,10000").split(",") if s.strip()]
    batch = int(settings.RELAIS_COMMS_EMAIL_BATCH)
    results: dict[str, Any] = {"db": connection.vendor, "batch": batch, "sizes": {}}
    for size in sizes:
        brand = _network(size)
        message = _campaign(brand)
        counter = _QueryCounter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            outcome = message_deliver(message=message)
            seconds = time.perf_counter() - started
        assert outcome["sent"] == size, outcome
        selects, updates = counter.batch_selects, counter.delivery_updates
        batches = -(-size // batch)
        # Memory: a second campaign to the same recipients, traced.
        again = _campaign(brand)
        tracemalloc.start()
        message_deliver(message=again)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        results["sizes"][size] = {
            "ms_per_recipient": seconds * 1000 / size,
            "queries_per_recipient": counter.total / size,
            "batch_selects": selects,
            "batches": batches,
            "queries_per_batch": (selects + updates) / batches,
            "statements_per_batch": counter.total / batches,
            "peak_mib": peak / 2**20,
        }
        row = results["sizes"][size]
        print(
            f"campaign {connection.vendor} {size:>6} recipients: {row['ms_per_recipient']:.3f} ms/recipient, "
            f"{row['queries_per_recipient']:.3f} queries/recipient, {row['queries_per_batch']:.1f} queries per "
            f"batch of {batch} ({selects} batch claims for {batches} batches; {row['statements_per_batch']:.1f} "
            f"statements per batch in all), peak {row['peak_mib']:.1f} MiB",
            flush=True,
        )
    smallest, largest = min(sizes), max(sizes)
    small, large = results["sizes"][smallest], results["sizes"][largest]
    results["time_ratio"] = large["ms_per_recipient"] / small["ms_per_recipient"]
    results["memory_ratio"] = large["peak_mib"] / small["peak_mib"]
    print(
        f"campaign {largest} / {smallest}: time per recipient ×{results['time_ratio']:.2f} (target ≤ 1.5), "
        f"peak memory ×{results['memory_ratio']:.2f} (target ≤ 2), queries per batch "
        f"{small['queries_per_batch']:.1f} vs {large['queries_per_batch']:.1f}"
    )
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    run()

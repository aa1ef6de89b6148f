"""Leaderboard rank read at 1k vs 100k partners: the cost of reading one's rank must not grow with the board.

    python -m bench.leaderboard                               # SQLite, 1k and 100k partners
    BENCH_LEADERBOARD_SIZES=1000,20000 python -m bench.leaderboard
    DB=postgres python -m bench.leaderboard                   # PostgreSQL (database relais_bench_leaderboard)

For each size, one challenge's board holds that many ``LeaderboardScore`` rows (random scores, ties included).
``leaderboard_rank`` (1 + the number of higher scores summed from the radix counts of
``relais.incentives.leaderboard``, plus the next score up on the (challenge, segment, score) index) is timed
for random partners, and compared with a plain ``COUNT(score > mine)`` on that index (O(rows above)) and with
the naive way (sort the whole board, find the partner).
Reported: median read time per size and the ratio largest / smallest (target ≤ 3: O(log n), not O(n)).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench.setup import django_setup

READS = 300
ROUNDS = 3
NAIVE_READS = 20


def _board(size: int, rng: random.Random) -> tuple[Any, list[int]]:
    from datetime import date

    from relais.core.models import Brand
    from relais.incentives.models import Challenge, LeaderboardScore
    from relais.network.models import PartnerCompany

    brand = Brand.objects.create(slug=f"bench-lb-{size}-{rng.randrange(10**9)}", name=f"Bench {size}")
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
        batch_size=5000,
    )
    partner_ids = list(PartnerCompany.objects.filter(brand=brand).values_list("pk", flat=True))
    challenge = Challenge.objects.create(
        brand=brand,
        name="Bench",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
        status="running",
    )
    LeaderboardScore.objects.bulk_create(
        (
            LeaderboardScore(challenge=challenge, partner_id=pid, score=rng.randrange(0, size * 3))
            for pid in partner_ids
        ),
        batch_size=5000,
    )
    from django.db import connection

    from relais.incentives.services import leaderboard_rebuild

    leaderboard_rebuild(challenge=challenge)
    with connection.cursor() as cursor:  # fresh statistics so the planner sees the board's real size
        cursor.execute("ANALYZE")
    return challenge, partner_ids


def _time(fn: Any, args: list[Any]) -> float:
    samples = []
    for arg in args:
        started = time.perf_counter()
        fn(arg)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def run() -> dict[str, Any]:
    """Measure and print; returns the medians (ms) per size and the ratios."""
    django_setup("leaderboard")
    from django.db import connection

    from relais.incentives.models import LeaderboardScore
    from relais.incentives.selectors import leaderboard_rank

    sizes = [int(s) for s in os.environ.get("BENCH_LEADERBOARD_SIZES", "1000,100000").split(",") if s.strip()]
    rng = random.Random(7)
    results: dict[str, Any] = {"db": connection.vendor, "sizes": {}}
    boards = {size: _board(size, rng) for size in sizes}

    def naive(pid: int, c: Any) -> int:
        ordered = list(
            LeaderboardScore.objects.filter(challenge=c, segment__isnull=True)
            .order_by("-score")
            .values_list("partner_id", flat=True)
        )
        return ordered.index(pid) + 1

    def plain_count(pid: int, c: Any) -> int:
        board = LeaderboardScore.objects.filter(challenge=c, segment__isnull=True)
        mine = board.filter(partner_id=pid).values_list("score", flat=True).get()
        return board.filter(score__gt=mine).count() + 1

    # The machine is shared: sizes are measured in alternation, ROUNDS times, and the best median kept.
    best: dict[int, dict[str, float]] = {size: {} for size in sizes}
    for _round in range(ROUNDS):
        for size, (challenge, partner_ids) in boards.items():
            sample = [rng.choice(partner_ids) for _ in range(READS)]
            for pid in sample[:20]:  # warm the cache
                leaderboard_rank(challenge=challenge, partner_id=pid)
            timings = {
                "rank_ms": _time(
                    lambda pid, c=challenge: leaderboard_rank(challenge=c, partner_id=pid), sample
                ),
                "count_ms": _time(lambda pid, c=challenge: plain_count(pid, c), sample),
                "naive_ms": _time(lambda pid, c=challenge: naive(pid, c), sample[:NAIVE_READS]),
            }
            for name, seconds in timings.items():
                best[size][name] = min(best[size].get(name, float("inf")), seconds * 1000)
    for size in sizes:
        results["sizes"][size] = best[size]
        print(
            f"leaderboard {connection.vendor} {size:>7} partners: rank read {best[size]['rank_ms']:.3f} ms "
            f"(plain COUNT on the index {best[size]['count_ms']:.3f} ms, "
            f"sort-everyone {best[size]['naive_ms']:.1f} ms)"
        )
    smallest, largest = min(sizes), max(sizes)
    ratio = results["sizes"][largest]["rank_ms"] / results["sizes"][smallest]["rank_ms"]
    count_ratio = results["sizes"][largest]["count_ms"] / results["sizes"][smallest]["count_ms"]
    naive_ratio = results["sizes"][largest]["naive_ms"] / results["sizes"][smallest]["naive_ms"]
    results.update(ratio=ratio, count_ratio=count_ratio, naive_ratio=naive_ratio)
    print(
        f"leaderboard rank read {largest} / {smallest} partners: ×{ratio:.2f} (target ≤ 3); "
        f"plain COUNT: ×{count_ratio:.1f}; sorting everyone: ×{naive_ratio:.1f}"
    )
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    run()

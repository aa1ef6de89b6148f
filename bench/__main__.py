"""`make bench`: every benchmark, each as ratios against a baseline measured in the same run.

Suites (BENCH_SUITES, default "import,leaderboard,dashboard,followups,campaign,exports,pages"), each on every database of BENCH_DB:
    import       the sell-out import against the bare bulk write and against Django row by row (below)
    leaderboard  reading one's rank at 1k and 100k partners (bench/leaderboard.py)
    dashboard    the brand dashboard on the rollups against a DuckDB full scan, 1M and 10M lines
                 (bench/dashboard.py; BENCH_DASHBOARD_SIZES)
    followups    one declaration's follow-ups (rollups, cube by delta) at 1k and 100k partners
                 (bench/followups.py; BENCH_FOLLOWUPS_SIZES)
    exports      the line export (CSV, XLSX) against bare writers of the same rows, 100k and 1M lines,
                 peak memory of each (bench/exports.py; BENCH_EXPORT_SIZES)
    pages        every brand and portal page on 10k partners and 10M lines: median ms and queries
                 (bench/pages.py; BENCH_PAGES_PARTNERS, BENCH_PAGES_LINES, BENCH_PAGES_REPEAT)

Environment:
    BENCH_SIZES  import line counts, default "100000,1000000,4000000"
    BENCH_DB     sqlite | postgres | both (default: both when PostgreSQL answers, else sqlite)

For each database and size, in separate processes:
    import  full import of a generated partner file: parse + validate + dedup + store (one transaction)
    raw     the same rows, prepared beforehand, written by COPY (PostgreSQL) / executemany (SQLite)
            into the same table with the same indexes: the floor any import pays
    orm     DeclarationLine.objects.create() per line on a 5,000-line sample, extrapolated per line
    orm-import  the same import written row by row with the ORM (csv reader, GTIN check, product lookup,
            dedup lookup, create) on a 5,000-line sample, extrapolated per line

Prints ratios and writes bench/out/results.json. Targets: import <= 2.0x raw, >= 20x faster than row by row,
peak RSS <= 500 MB, time per line flat within +-20 % across sizes.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from bench.generate import generate

OUT = Path(__file__).resolve().parent / "out"
ROOT = Path(__file__).resolve().parent.parent


def postgres_reachable() -> bool:
    try:
        import psycopg

        from bench.worker import PG_ADMIN_URL

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except Exception:
        return False


def worker(*args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bench.worker", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"bench worker failed: {' '.join(args)}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def other_suite(module: str, db: str) -> None:
    """bench/leaderboard.py, bench/dashboard.py or bench/followups.py in its own process, on one database."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    env["DB"] = db
    print(f"[{db}] {module}", flush=True)
    done = subprocess.run([sys.executable, "-m", module], cwd=ROOT, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{module} failed on {db}")


def main() -> None:
    suites = [
        s.strip()
        for s in os.environ.get(
            "BENCH_SUITES", "import,leaderboard,dashboard,followups,campaign,exports,pages"
        ).split(",")
    ]
    choice = os.environ.get("BENCH_DB", "both")
    dbs = ["sqlite", "postgres"] if choice == "both" else [choice]
    if "postgres" in dbs and not postgres_reachable():
        if choice == "postgres":
            raise SystemExit("PostgreSQL is not reachable")
        print("PostgreSQL not reachable: SQLite only")
        dbs = ["sqlite"]
    if "import" in suites:
        import_suite(dbs)
    for name, module in (
        ("leaderboard", "bench.leaderboard"),
        ("dashboard", "bench.dashboard"),
        ("followups", "bench.followups"),
        ("campaign", "bench.campaign"),
        ("exports", "bench.exports"),
        ("pages", "bench.pages"),
    ):
        if name in suites:
            for db in dbs:
                other_suite(module, db)


def import_suite(dbs: list[str]) -> None:
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "100000,1000000,4000000").split(",") if s.strip()]
    OUT.mkdir(exist_ok=True)
    results: dict = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "runs": [],
    }
    files = {}
    for size in sizes:
        path = OUT / f"sellout_{size}.csv"
        if not path.exists():
            print(f"generating {path.name} ...", flush=True)
            generate(path, size)
        files[size] = path
    for db in dbs:
        print(f"[{db}] setting up a fresh database", flush=True)
        worker("setup", "--db", db)
        orm = worker("orm", "--db", db, "--file", str(files[sizes[0]]), "--sample", "5000")
        orm_per_line = orm["seconds"] / orm["rows"]
        orm_auto = worker(
            "orm", "--db", db, "--file", str(files[sizes[0]]), "--sample", "5000", "--autocommit"
        )
        orm_auto_per_line = orm_auto["seconds"] / orm_auto["rows"]
        rbr = worker("orm-import", "--db", db, "--file", str(files[sizes[0]]), "--sample", "5000")
        rbr_per_line = rbr["seconds"] / rbr["rows"]
        rbr_auto = worker(
            "orm-import", "--db", db, "--file", str(files[sizes[0]]), "--sample", "5000", "--autocommit"
        )
        rbr_auto_per_line = rbr_auto["seconds"] / rbr_auto["rows"]
        print(
            f"[{db}] create() alone: {orm_per_line * 1e6:.0f} us/line in one transaction, "
            f"{orm_auto_per_line * 1e6:.0f} us/line in autocommit; row-by-row import: "
            f"{rbr_per_line * 1e6:.0f} / {rbr_auto_per_line * 1e6:.0f} us/line",
            flush=True,
        )
        for size in sizes:
            raw = worker("raw", "--db", db, "--file", str(files[size]))
            imp = worker("import", "--db", db, "--file", str(files[size]))
            run = {
                "db": db,
                "lines": size,
                "import_seconds": round(imp["seconds"], 3),
                "raw_store_seconds": round(raw["seconds"], 3),
                "orm_seconds_per_line": orm_per_line,
                "orm_autocommit_seconds_per_line": orm_auto_per_line,
                "import_us_per_line": round(imp["seconds"] / size * 1e6, 2),
                "raw_us_per_line": round(raw["seconds"] / raw["rows"] * 1e6, 2),
                "import_vs_raw": round(imp["seconds"] / raw["seconds"], 2),
                "row_by_row_import_seconds_per_line": rbr_per_line,
                "row_by_row_import_autocommit_seconds_per_line": rbr_auto_per_line,
                "row_by_row_import_vs_import": round(rbr_per_line * size / imp["seconds"], 1),
                "row_by_row_import_autocommit_vs_import": round(rbr_auto_per_line * size / imp["seconds"], 1),
                "row_by_row_vs_import": round(orm_per_line * size / imp["seconds"], 1),
                "row_by_row_autocommit_vs_import": round(orm_auto_per_line * size / imp["seconds"], 1),
                "import_peak_rss_mb": round(imp["maxrss_mb"], 1),
                "followup_jobs": imp["followup_jobs"],
                "followups_seconds": round(imp["followups_seconds"], 3),
                "accepted": imp["accepted"],
                "flagged": imp["flagged"],
                "rejected": imp["rejected"],
                "duplicates": imp["duplicates"],
            }
            results["runs"].append(run)
            print(
                f"[{db}] {size:>9,} lines: import {run['import_seconds']:8.2f}s  raw {run['raw_store_seconds']:8.2f}s  "
                f"x{run['import_vs_raw']:.2f} raw  {run['row_by_row_import_vs_import']:.0f}x/"
                f"{run['row_by_row_import_autocommit_vs_import']:.0f}x faster than a row-by-row import, "
                f"{run['row_by_row_vs_import']:.0f}x/{run['row_by_row_autocommit_vs_import']:.0f}x than create() "
                f"alone (1 tx/autocommit)  "
                f"{run['import_us_per_line']:.1f} us/line  RSS {run['import_peak_rss_mb']:.0f} MB; "
                f"then {run['followup_jobs']} jobs (rollups, scoring) {run['followups_seconds']:.2f}s",
                flush=True,
            )
            (OUT / "results.json").write_text(json.dumps(results, indent=2))
    print_table(results["runs"])
    (OUT / "results.json").write_text(json.dumps(results, indent=2))


def print_table(runs: list[dict]) -> None:
    print()
    header = (
        f"{'db':<9}{'lines':>10}{'import/raw':>12}{'rbr import(1tx)':>17}{'rbr import(auto)':>18}"
        f"{'create(1tx)':>13}{'create(auto)':>14}"
        f"{'us/line':>9}{'vs first':>9}{'RSS MB':>8}"
    )
    print(header)
    print("-" * len(header))
    first: dict[str, float] = {}
    for run in runs:
        base = first.setdefault(run["db"], run["import_us_per_line"])
        drift = run["import_us_per_line"] / base
        print(
            f"{run['db']:<9}{run['lines']:>10,}{run['import_vs_raw']:>12.2f}"
            f"{run['row_by_row_import_vs_import']:>17.1f}{run['row_by_row_import_autocommit_vs_import']:>18.1f}"
            f"{run['row_by_row_vs_import']:>13.1f}{run['row_by_row_autocommit_vs_import']:>14.1f}"
            f"{run['import_us_per_line']:>9.2f}{drift:>9.2f}{run['import_peak_rss_mb']:>8.0f}"
        )
    print(
        "targets: import/raw <= 2.0, row-by-row import/import >= 20, RSS <= 500 MB, "
        "us/line within +-20 % of the first size"
    )


if __name__ == "__main__":
    main()

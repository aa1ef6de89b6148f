"""`make bench`: the sell-out import against the bare bulk write and against Django row by row.

Environment:
    BENCH_SIZES  line counts, default "100000,1000000,4000000"
    BENCH_DB     sqlite | postgres | both (default: both when PostgreSQL answers, else sqlite)

For each database and size, in separate processes:
    import  full import of a generated partner file: parse + validate + dedup + store (one transaction)
    raw     the same rows, prepared beforehand, written by COPY (PostgreSQL) / executemany (SQLite)
            into the same table with the same indexes: the floor any import pays
    orm     DeclarationLine.objects.create() per line on a 5,000-line sample, extrapolated per line

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


def main() -> None:
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "100000,1000000,4000000").split(",") if s.strip()]
    choice = os.environ.get("BENCH_DB", "both")
    dbs = ["sqlite", "postgres"] if choice == "both" else [choice]
    if "postgres" in dbs and not postgres_reachable():
        if choice == "postgres":
            raise SystemExit("PostgreSQL is not reachable")
        print("PostgreSQL not reachable: SQLite only")
        dbs = ["sqlite"]
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
        print(
            f"[{db}] row by row: {orm_per_line * 1e6:.0f} us/line in one transaction, "
            f"{orm_auto_per_line * 1e6:.0f} us/line in autocommit",
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
                "row_by_row_vs_import": round(orm_per_line * size / imp["seconds"], 1),
                "row_by_row_autocommit_vs_import": round(orm_auto_per_line * size / imp["seconds"], 1),
                "import_peak_rss_mb": round(imp["maxrss_mb"], 1),
                "accepted": imp["accepted"],
                "flagged": imp["flagged"],
                "rejected": imp["rejected"],
                "duplicates": imp["duplicates"],
            }
            results["runs"].append(run)
            print(
                f"[{db}] {size:>9,} lines: import {run['import_seconds']:8.2f}s  raw {run['raw_store_seconds']:8.2f}s  "
                f"x{run['import_vs_raw']:.2f} raw  {run['row_by_row_vs_import']:.0f}x/{run['row_by_row_autocommit_vs_import']:.0f}x "
                f"faster than row by row (1 tx/autocommit)  "
                f"{run['import_us_per_line']:.1f} us/line  RSS {run['import_peak_rss_mb']:.0f} MB",
                flush=True,
            )
            (OUT / "results.json").write_text(json.dumps(results, indent=2))
    print_table(results["runs"])
    (OUT / "results.json").write_text(json.dumps(results, indent=2))


def print_table(runs: list[dict]) -> None:
    print()
    header = (
        f"{'db':<9}{'lines':>10}{'import/raw':>12}{'rbr(1tx)/import':>17}{'rbr(autocommit)/import':>24}"
        f"{'us/line':>9}{'vs first':>9}{'RSS MB':>8}"
    )
    print(header)
    print("-" * len(header))
    first: dict[str, float] = {}
    for run in runs:
        base = first.setdefault(run["db"], run["import_us_per_line"])
        drift = run["import_us_per_line"] / base
        print(
            f"{run['db']:<9}{run['lines']:>10,}{run['import_vs_raw']:>12.2f}{run['row_by_row_vs_import']:>17.1f}"
            f"{run['row_by_row_autocommit_vs_import']:>24.1f}"
            f"{run['import_us_per_line']:>9.2f}{drift:>9.2f}{run['import_peak_rss_mb']:>8.0f}"
        )
    print(
        "targets: import/raw <= 2.0, row-by-row/import >= 20, RSS <= 500 MB, us/line within +-20 % of the first size"
    )


if __name__ == "__main__":
    main()

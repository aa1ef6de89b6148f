"""The brand's sell-out line export (CSV, XLSX) against bare writers of the same rows, measured in one run.

    python -m bench.exports                                  # SQLite, 100k and 1M lines
    BENCH_EXPORT_SIZES=20000,200000 python -m bench.exports  # smaller
    DB=postgres python -m bench.exports                      # PostgreSQL (database relais_bench_dashboard, recreated)
    DATABASE_URL=postgres://.../mine python -m bench.exports # an existing database of one's own

For each size: N lines are generated and bulk-loaded as in bench/dashboard.py, then, in the same process:
    read        the rows fetched from the database alone (``values_list(...).iterator()``): the floor
    csv         ``lines_csv_stream`` (chunks from the database → polars frames → ``write_csv``) into a file
    polars csv  polars ``write_csv`` of the same rows already in one frame in memory (the bare writer)
    xlsx        ``lines_xlsx_stream`` into a file
    bare xlsx   xlsxwriter ``constant_memory`` writing the same rows from memory
Memory: tracemalloc's peak of each export, in a second pass (tracemalloc slows Python; times are from the first).
Targets: csv ≤ 1.5 × polars csv, xlsx ≤ 2 × bare xlsx, peak memory flat between sizes. Prints the ratios.
"""

from __future__ import annotations

import os
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import xlsxwriter

from bench.dashboard import _generate, _load, _network
from bench.setup import django_setup


def _seconds(func: Callable[[], Any]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def _peak_mb(func: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def _drain(chunks: Iterable[bytes], path: Path) -> None:
    with path.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)


def _bare_xlsx(rows: list[tuple], header: list[str], path: Path) -> tuple[str, float]:
    """The bare writer's name and its seconds for all ``rows``: xlsxwriter in constant-memory mode."""
    start = time.perf_counter()
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("lines")
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if hasattr(value, "isoformat"):
                sheet.write_datetime(r, c, value, date_format)
            else:
                sheet.write(r, c, float(value) if value.__class__.__name__ == "Decimal" else value)
    workbook.close()
    return "xlsxwriter constant_memory", time.perf_counter() - start


def run_size(size: int, folder: Path) -> dict[str, Any]:
    import duckdb

    from relais.core.exports import rows_frame
    from relais.core.models import Brand
    from relais.sellout.export import COLUMNS, _schema, headers, lines_csv_stream, lines_xlsx_stream
    from relais.sellout.models import DeclarationLine

    brand = Brand.objects.create(slug=f"bench-export-{size}-{time.time_ns()}", name="Export", currency="EUR")
    partner_rows, product_rows = _network(brand)
    duck = duckdb.connect()
    duck.execute(
        "CREATE TABLE partners (idx BIGINT, id BIGINT, declaration_id BIGINT, country VARCHAR, region VARCHAR, "
        "kind VARCHAR)"
    )
    duck.executemany("INSERT INTO partners VALUES (?, ?, ?, ?, ?, ?)", partner_rows)
    duck.execute("CREATE TABLE products (idx BIGINT, id BIGINT, family VARCHAR, gtin VARCHAR, cents BIGINT)")
    duck.executemany("INSERT INTO products VALUES (?, ?, ?, ?, ?)", product_rows)
    _load(duck, path=_generate(duck, brand_id=brand.pk, size=size, folder=folder))

    lines = DeclarationLine.objects.filter(brand=brand)
    paths = [path for _name, path in COLUMNS]
    header = headers("fr")
    rows: list[tuple] = []

    def read() -> None:
        rows.clear()
        rows.extend(lines.order_by("sale_date", "pk").values_list(*paths).iterator(chunk_size=20_000))

    read_s = _seconds(read)
    frame = rows_frame(rows, _schema())
    out = folder / "out"
    polars_s = _seconds(
        lambda: frame.write_csv(out.with_suffix(".bare.csv"), separator=";", decimal_comma=True)
    )
    csv_s = _seconds(lambda: _drain(lines_csv_stream(lines, language="fr"), out.with_suffix(".csv")))
    xlsx_s = _seconds(lambda: _drain(lines_xlsx_stream(lines, language="fr"), out.with_suffix(".xlsx")))
    bare_name, bare_xlsx_s = _bare_xlsx(rows, header, out.with_suffix(".bare.xlsx"))
    rows.clear()
    csv_mb = _peak_mb(lambda: _drain(lines_csv_stream(lines, language="fr"), out.with_suffix(".csv")))
    xlsx_mb = _peak_mb(lambda: _drain(lines_xlsx_stream(lines, language="fr"), out.with_suffix(".xlsx")))
    result = {
        "lines": size,
        "read_s": round(read_s, 2),
        "csv_s": round(csv_s, 2),
        "polars_csv_s": round(polars_s, 2),
        "csv_vs_polars": round(csv_s / polars_s, 2),
        "csv_vs_read_plus_polars": round(csv_s / (read_s + polars_s), 2),
        "xlsx_s": round(xlsx_s, 2),
        "bare_xlsx": bare_name,
        "bare_xlsx_s": round(bare_xlsx_s, 2),
        "xlsx_vs_bare": round(xlsx_s / bare_xlsx_s, 2),
        "xlsx_vs_read_plus_bare": round(xlsx_s / (read_s + bare_xlsx_s), 2),
        "csv_peak_mb": round(csv_mb, 1),
        "xlsx_peak_mb": round(xlsx_mb, 1),
        "xlsx_mb_on_disk": round(out.with_suffix(".xlsx").stat().st_size / 1e6, 1),
    }
    print(
        f"{size:>9,} lines: read {read_s:.2f}s | csv {csv_s:.2f}s = {result['csv_vs_polars']}x polars write_csv "
        f"({polars_s:.2f}s), {result['csv_vs_read_plus_polars']}x read+write | xlsx {xlsx_s:.2f}s = "
        f"{result['xlsx_vs_bare']}x {bare_name} ({bare_xlsx_s:.2f}s), {result['xlsx_vs_read_plus_bare']}x "
        f"read+write | peak csv {csv_mb:.1f} MB, xlsx {xlsx_mb:.1f} MB",
        flush=True,
    )
    return result


def run() -> list[dict[str, Any]]:
    if "DATABASE_URL" not in os.environ and os.environ.get("DB", "").lower() not in {
        "postgres",
        "postgresql",
        "pg",
    }:
        path = Path(tempfile.gettempdir()) / "relais-bench-exports.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    django_setup("dashboard", migrate=False)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    sizes = [int(s) for s in os.environ.get("BENCH_EXPORT_SIZES", "100000,1000000").split(",") if s.strip()]
    with tempfile.TemporaryDirectory() as folder:
        results = [run_size(size, Path(folder)) for size in sizes]
    if len(results) > 1:
        first, last = results[0], results[-1]
        print(
            f"memory {first['lines']:,} → {last['lines']:,} lines: csv {first['csv_peak_mb']} → "
            f"{last['csv_peak_mb']} MB, xlsx {first['xlsx_peak_mb']} → {last['xlsx_peak_mb']} MB",
            flush=True,
        )
    return results


if __name__ == "__main__":
    run()

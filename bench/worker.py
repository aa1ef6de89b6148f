"""One measurement in its own process (so peak RSS is the import's own): see bench/__main__.py.

python -m bench.worker setup  --db sqlite
python -m bench.worker import --db sqlite --file bench/out/sellout_100000.csv
python -m bench.worker raw    --db sqlite --file ...
python -m bench.worker orm    --db sqlite --file ... --sample 5000
python -m bench.worker orm-import --db sqlite --file ... --sample 5000 [--autocommit]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
SQLITE_PATH = OUT / "sellout_bench.sqlite3"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_DB = os.environ.get("BENCH_PG_DB", "relais_bench_sellout")
BRAND_SLUG = "bench"
PARTNER_CODE = "B001"
PRODUCTS = 1000
BATCH = 50_000  # as relais.sellout.ingest.engine.BATCH_ROWS


def peak_rss_mb() -> float:
    """This process's own peak resident set: VmHWM, which starts afresh at exec. (``ru_maxrss`` keeps the
    peak of the process that forked it: the bench's parent, which may have just generated a 4M-line file.)"""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def database_url(db: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{SQLITE_PATH}"
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_DB


def django_setup(db: str) -> None:
    os.environ["DATABASE_URL"] = database_url(db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.conf import settings

    # Jobs an import enqueues (rollups, scoring) stay queued: run_import times them apart.
    settings.RELAIS_TASK_BACKEND = "deferred"


def product_gtin(n: int) -> str:
    from stdnum import ean

    body = f"376999{n:06d}"
    return "0" + body + ean.calc_check_digit(body)


def list_price(n: int) -> float:
    return round(5 + (n * 37 % 400) + 0.9, 2)


def setup(db: str) -> dict:
    OUT.mkdir(exist_ok=True)
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    else:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}"')
            conn.execute(f'CREATE DATABASE "{PG_DB}"')
    django_setup(db)
    from decimal import Decimal

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from relais.catalog.models import Product
    from relais.core.models import Brand
    from relais.network.models import PartnerCompany

    brand = Brand.objects.create(slug=BRAND_SLUG, name="Bench", currency="EUR")
    PartnerCompany.objects.create(
        brand=brand,
        code=PARTNER_CODE,
        name="Bench partner",
        kind="reseller",
        organisation="multi_brand",
        country="FR",
    )
    Product.objects.bulk_create(
        Product(brand=brand, gtin=product_gtin(n), name=f"P{n}", list_price=Decimal(str(list_price(n))))
        for n in range(PRODUCTS)
    )
    return {"ok": True}


def _context():
    from relais.core.models import Brand
    from relais.network.models import PartnerCompany

    brand = Brand.objects.get(slug=BRAND_SLUG)
    return brand, PartnerCompany.objects.get(brand=brand, code=PARTNER_CODE)


def _bench_declaration(brand, partner):
    """An empty declaration for the lines a baseline writes (the import creates its own)."""
    from django.utils import timezone

    from relais.sellout.models import Declaration

    today = timezone.localdate()
    return Declaration.objects.create(
        brand=brand, partner=partner, period_start=today, period_end=today, source="file"
    )


def _empty_lines() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE sellout_declarationline, sellout_importrowerror CASCADE")
        else:
            cursor.execute("DELETE FROM sellout_declarationline")
            cursor.execute("DELETE FROM sellout_importrowerror")


def run_import(path: Path) -> dict:
    from relais.followups.declarations import sellout_import_run
    from relais.sellout.services import (
        sellout_import_create,
        sellout_import_map,
        sellout_import_propose_mapping,
    )

    _brand, partner = _context()
    _empty_lines()
    start = time.perf_counter()
    sellout_import = sellout_import_create(partner=partner, uploaded_file=path)
    proposal = sellout_import_propose_mapping(sellout_import=sellout_import)
    sellout_import_map(sellout_import=sellout_import, mapping=proposal.mapping)
    result = sellout_import_run(sellout_import=sellout_import, batch_rows=BATCH)
    seconds = time.perf_counter() - start
    sellout_import.file.delete(save=False)  # the stored copy of a multi-GB file is not kept
    from relais.core.jobs import job_run_queued

    start = time.perf_counter()
    followups = job_run_queued()
    followups_seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "followup_jobs": followups,
        "followups_seconds": followups_seconds,
        "accepted": result.accepted,
        "flagged": result.flagged,
        "rejected": result.rejected,
        "duplicates": result.duplicates,
        "rows": result.accepted + result.flagged + result.rejected + result.duplicates,
    }


def _prepared_batches(path: Path, limit: int | None = None):
    """The very rows the import stores, batch by batch (prepared outside any timing)."""
    import polars as pl

    from relais.sellout.ingest import dedup, files, mapping, store, validate
    from relais.sellout.ingest.engine import catalogue_load as _catalogue

    brand, partner = _context()
    table = files.sellout_file_open(path)
    proposal = mapping.propose_mapping(table.headers, table.preview)
    selection = {name: f"c{table.headers.index(header)}" for name, header in proposal.mapping.items()}
    from django.utils import timezone

    declaration = _bench_declaration(brand, partner)
    rules = validate.Rules(catalogue=_catalogue(brand.pk), currency="EUR", today=timezone.localdate())
    occurrences = dedup.Occurrences()
    produced = 0
    for batch in table.batches(BATCH):
        frame = batch.with_columns(pl.col(c).alias(n) for n, c in selection.items())
        if not rules.options:
            rules.options = validate.detect_options(frame, default_decimal=",")
        checked = validate.check_batch(frame, rules, raw_columns=table.columns)
        lines = dedup.with_dedup_keys(checked.lines, partner_id=partner.pk, occurrences=occurrences)
        rows = store.prepare_rows(
            lines, brand_id=brand.pk, partner_id=partner.pk, declaration_id=declaration.pk
        )
        if limit is not None:
            rows = rows.head(limit - produced)
        produced += rows.height
        yield rows
        if limit is not None and produced >= limit:
            return


def run_raw(path: Path) -> dict:
    """Baseline: the same rows written by the bare bulk primitive (COPY / executemany), same table."""
    from django.db import connection, transaction

    from relais.sellout.ingest import store

    _empty_lines()
    seconds = 0.0
    rows = 0
    with transaction.atomic():
        for prepared in _prepared_batches(path):
            start = time.perf_counter()
            if connection.vendor == "postgresql":
                store.copy_rows(prepared)
            else:
                store.executemany_rows(prepared)
            seconds += time.perf_counter() - start
            rows += prepared.height
        start = time.perf_counter()
    # The commit is part of storing (deferred foreign-key checks run there), as it is for the import.
    seconds += time.perf_counter() - start
    return {"seconds": seconds, "rows": rows}


def run_orm(path: Path, sample: int, atomic: bool) -> dict:
    """Django row by row: one ``DeclarationLine.objects.create()`` per line, in one transaction
    (``atomic``) or each in its own (autocommit, what a naive loop in a view or command gets)."""
    import contextlib
    from decimal import Decimal

    from django.db import transaction

    from relais.sellout.models import DeclarationLine

    _empty_lines()
    prepared = next(_prepared_batches(path, limit=sample))
    records = prepared.drop("created_at").to_dicts()
    start = time.perf_counter()
    with transaction.atomic() if atomic else contextlib.nullcontext():
        for record in records:
            record["unit_price"] = Decimal(record["unit_price"]) if record["unit_price"] else None
            record["amount"] = Decimal(record["amount"])
            DeclarationLine.objects.create(**record)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": len(records)}


def run_orm_import(path: Path, sample: int, atomic: bool) -> dict:
    """Django row by row, the same import: each line of the file read with ``csv``, its GTIN checked with
    python-stdnum, its product looked up, its dedup key computed and looked up, then
    ``DeclarationLine.objects.create()`` (or an ``ImportRowError`` for a bad line) — the loop a hand-written
    import would run to do the same checks, on the first ``sample`` lines of the file."""
    import contextlib
    import csv
    import datetime as dt
    from decimal import Decimal, InvalidOperation

    from django.db import transaction
    from stdnum import ean

    from relais.catalog.models import Product
    from relais.sellout.ingest.dedup import KEY_VERSION, key_of
    from relais.sellout.models import DeclarationLine, ImportRowError, SelloutImport

    brand, partner = _context()
    _empty_lines()
    declaration = _bench_declaration(brand, partner)
    sellout_import = SelloutImport.objects.create(brand=brand, partner=partner, declaration=declaration)
    seen: dict[str, int] = {}
    rows = 0
    start = time.perf_counter()
    with (
        path.open(encoding="utf-8", newline="") as handle,
        transaction.atomic() if atomic else contextlib.nullcontext(),
    ):
        reader = csv.reader(handle, delimiter=";")
        for number, record in enumerate(reader, start=1):
            if number <= 3 or not record or not record[1]:
                continue  # title lines, header, blank and total lines
            if rows >= sample:
                break
            rows += 1
            invoice, code, qty, date_text, price_text, amount_text, channel = record
            gtin = code.strip().zfill(14)
            if not ean.is_valid(gtin):
                ImportRowError.objects.create(
                    sellout_import=sellout_import, row=number, field="gtin", message="invalid check digit"
                )
                continue
            product = Product.objects.filter(brand=brand, gtin=gtin).first()
            if product is None:
                ImportRowError.objects.create(
                    sellout_import=sellout_import, row=number, field="gtin", message="unknown product"
                )
                continue
            try:
                quantity = int(qty)
                unit_price = Decimal(price_text.replace(",", "."))
                amount = Decimal(amount_text.replace(",", "."))
                sale_date = dt.datetime.strptime(date_text, "%d/%m/%Y").date()
            except (ValueError, InvalidOperation):
                ImportRowError.objects.create(
                    sellout_import=sellout_import, row=number, field="quantity", message="not a number"
                )
                continue
            flagged = product.list_price is not None and not (
                product.list_price * Decimal("0.3") <= unit_price <= product.list_price * 3
            )
            ref = "".join(ch for ch in invoice.upper() if ch.isalnum())
            base = f"{KEY_VERSION}|{partner.pk}|{ref}|{gtin}|{sale_date.isoformat()}|{quantity}"
            occurrence = seen.get(base, 0)
            seen[base] = occurrence + 1
            key = key_of(sale_date=sale_date, hashed_text=f"{base}|{occurrence}")
            if DeclarationLine.objects.filter(brand=brand, dedup_key=key).exists():
                continue
            DeclarationLine.objects.create(
                brand=brand,
                partner=partner,
                declaration=declaration,
                product=product,
                gtin=gtin,
                quantity=quantity,
                unit_price=unit_price,
                amount=amount,
                currency="EUR",
                sale_date=sale_date,
                channel="online" if channel == "Web" else "in_store",
                invoice_ref=invoice,
                status="flagged" if flagged else "accepted",
                source_row=number,
                dedup_key=key,
            )
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["setup", "import", "raw", "orm", "orm-import"])
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--file")
    parser.add_argument("--sample", type=int, default=5000)
    parser.add_argument("--autocommit", action="store_true")
    args = parser.parse_args()
    if args.action == "setup":
        out = setup(args.db)
    else:
        django_setup(args.db)
        path = Path(args.file)
        if args.action == "import":
            out = run_import(path)
        elif args.action == "raw":
            out = run_raw(path)
        elif args.action == "orm":
            out = run_orm(path, args.sample, atomic=not args.autocommit)
        else:
            out = run_orm_import(path, args.sample, atomic=not args.autocommit)
    out["maxrss_mb"] = peak_rss_mb()
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()

"""The ingest engine: batches of one declaration through check -> dedup -> store, and the file-import run.

Every path that adds lines — web form, API, EDIFACT, file import, demo — goes through ``Engine``:
``validate.check_batch`` (vectorised checks, one error per failed field), ``dedup.with_dedup_keys`` (the
one double-counting rule) and ``store.store_lines`` / ``store.Staging`` (bulk write, COPY on PostgreSQL).
``file_lines_import`` is the body of a file import (one transaction, progress on the import's job); the
declaration's life (submit, counters) is the services'. See docs/sellout.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.catalog.models import Product
from relais.core.errors import ApplicationError
from relais.core.jobs import job_progress, job_progress_connection
from relais.core.models import Job
from relais.core.tabular import RowError, Table
from relais.sellout.anomalies.checks import AnomalyChecks
from relais.sellout.anomalies.thresholds import thresholds_for
from relais.sellout.anomalies.windows import challenge_windows_current
from relais.sellout.ingest import dedup, files, mapping, store, validate
from relais.sellout.ingest.mapping import FIELD_NAMES, FIELDS
from relais.sellout.models import ColumnMapping, Declaration, DeclarationLine, ImportRowError, SelloutImport
from relais.sellout.periods import months_covering

# Rows per batch: bounds memory (see docs/performance.md); progress is reported after each batch.
BATCH_ROWS = 50_000
# The result keeps this many row errors in memory.
MAX_ERRORS_IN_RESULT = 1000
# Error rows stored per import and kind (``ImportRowError``); past them only the import's counters count.
# A re-run of a file of a million lines already declared would otherwise store a million duplicate rows;
# rejected rows are kept in larger number, as the partner downloads them to fix and send again.
MAX_STORED_ERRORS = {ImportRowError.Kind.DUPLICATE.value: 1000, ImportRowError.Kind.REJECTED.value: 100_000}


@dataclass
class IngestResult:
    """Outcome of adding lines. Each input line is exactly one of: accepted (stored), flagged (stored,
    to be reviewed by the brand), rejected (not stored, with errors) or duplicate (already known)."""

    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    flagged: int = 0
    errors: list[RowError] = field(default_factory=list)
    errors_truncated: bool = False
    warnings: list[str] = field(default_factory=list)  # what the reader cleaned (NUL bytes, encodings)

    @property
    def stored(self) -> int:
        """Lines stored (accepted or flagged): what a declaration can be submitted with."""
        return self.accepted + self.flagged

    def as_dict(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "flagged": self.flagged,
            "errors": [
                {"row": e.row, "field": e.field, "message": e.message, "kind": e.kind} for e in self.errors
            ],
            "warnings": list(self.warnings),
        }

    def add(self, other: IngestResult) -> None:
        self.accepted += other.accepted
        self.rejected += other.rejected
        self.duplicates += other.duplicates
        self.flagged += other.flagged
        room = MAX_ERRORS_IN_RESULT - len(self.errors)
        self.errors.extend(other.errors[: max(0, room)])
        self.errors_truncated = self.errors_truncated or other.errors_truncated or len(other.errors) > room


class Engine:
    """Runs batches of one declaration through check -> dedup -> store, and keeps the totals."""

    def __init__(
        self,
        *,
        declaration: Declaration,
        default_decimal: str,
        options: dict[str, str] | None = None,
        sellout_import: SelloutImport | None = None,
        headers: list[str] | None = None,
        period: tuple[dt.date | None, dt.date | None] = (None, None),
        staged: bool = False,
    ) -> None:
        """``staged``: hold the new lines in a temporary table and write them in one sorted pass at
        ``finish`` (file imports: ``store.Staging``); else each batch is written as it comes."""
        self.declaration = declaration
        self.period = period
        self.default_decimal = default_decimal
        self.options = dict(options or {})
        self.sellout_import = sellout_import
        self.headers = headers or []
        self.occurrences = dedup.Occurrences()
        self.catalogue = catalogue_load(declaration.brand_id)
        self.currency = declaration.brand.currency
        self.today = timezone.localdate()
        self.total = IngestResult()
        self.min_date: dt.date | None = None
        self.max_date: dt.date | None = None
        self.staging = (
            store.Staging(brand_id=declaration.brand_id, declaration_id=declaration.pk) if staged else None
        )
        self.stored_errors = dict.fromkeys(MAX_STORED_ERRORS, 0)
        # Unusual lines are flagged for the brand's review, whatever the door (relais.sellout.anomalies).
        self.anomalies = AnomalyChecks(
            partner=declaration.partner,
            thresholds=thresholds_for(brand_id=declaration.brand_id),
            families=families_load(declaration.brand_id),
            today=self.today,
            list_prices=list_prices_of(self.catalogue),
            windows=challenge_windows_current(),
        )

    def run_batch(self, frame: pl.DataFrame, *, raw_columns: list[str] | None) -> IngestResult:
        if not self.options.get("decimal"):
            self.options.update(validate.detect_options(frame, default_decimal=self.default_decimal))
        rules = validate.Rules(
            catalogue=self.catalogue,
            currency=self.currency,
            today=self.today,
            period_start=self.period[0],
            period_end=self.period[1],
            options=self.options,
        )
        checked = validate.check_batch(frame, rules, raw_columns=raw_columns)
        lines = dedup.with_dedup_keys(
            checked.lines, partner_id=self.declaration.partner_id, occurrences=self.occurrences
        )
        lines = self.anomalies.check(lines)
        rows = store.prepare_rows(
            lines,
            brand_id=self.declaration.brand_id,
            partner_id=self.declaration.partner_id,
            declaration_id=self.declaration.pk,
        )
        if self.staging is not None:
            duplicate_rows = self.staging.add(rows)
        else:
            duplicate_rows = store.store_lines(rows, brand_id=self.declaration.brand_id)
        duplicate_set = set(duplicate_rows)
        stored = lines.filter(~pl.col("source_row").is_in(duplicate_rows)) if duplicate_rows else lines
        flagged = int((stored["status"] == "flagged").sum()) if stored.height else 0
        self.anomalies.record(stored)
        if stored.height:
            self._widen_dates(stored["sale_date"].min(), stored["sale_date"].max())

        errors = [
            RowError(row=row, field=name, message=message)
            for row, name, message in checked.errors.iter_rows()
        ]
        errors += _duplicate_errors(
            sorted(duplicate_set), origins=duplicate_origins(lines, duplicate_rows, self.declaration.brand_id)
        )
        errors.sort(key=lambda e: e.row)
        if self.sellout_import is not None:
            self._store_row_errors(errors, frame, raw_columns or [])
        result = IngestResult(
            accepted=stored.height - flagged,
            rejected=checked.rejected_rows,
            duplicates=len(duplicate_set),
            flagged=flagged,
        )
        result.errors = errors[:MAX_ERRORS_IN_RESULT]
        result.errors_truncated = len(errors) > MAX_ERRORS_IN_RESULT
        self.total.add(result)
        return result

    def _widen_dates(self, low: Any, high: Any) -> None:
        """Stretch the span of the stored sale dates (a file's period when none was given)."""
        self.min_date = low if self.min_date is None else min(self.min_date, low)
        self.max_date = high if self.max_date is None else max(self.max_date, high)

    def _store_row_errors(self, errors: list[RowError], frame: pl.DataFrame, raw_columns: list[str]) -> None:
        errors = self._within_cap(errors)
        if not errors:
            return
        wanted = sorted({e.row for e in errors})
        raw_by_row: dict[int, dict[str, str]] = {}
        if raw_columns:
            subset = frame.filter(pl.col("__row").is_in(wanted)).select(["__row", *raw_columns])
            # The customer number never stays in clear, not even in a rejected row's cells: the column the
            # mapping reads as customer_ref keeps its pseudonym there, as on the lines (docs/programs.md).
            mapped = frame["customer_ref"] if "customer_ref" in frame.columns else None
            hidden = {
                header
                for header, column in zip(self.headers, raw_columns, strict=False)
                if mapped is not None and frame[column].equals(mapped)
            }
            secret = self.declaration.brand.customer_ref_secret if hidden else ""
            for values in subset.iter_rows():
                raw_by_row[values[0]] = {
                    header: store.customer_ref_pseudonym(value or "", secret=secret)
                    if header in hidden
                    else value or ""
                    for header, value in zip(self.headers, values[1:], strict=False)
                }
        ImportRowError.objects.bulk_create(
            (
                ImportRowError(
                    sellout_import=self.sellout_import,
                    kind=e.kind,
                    row=e.row,
                    field=e.field,
                    message=e.message[:300],
                    raw=raw_by_row.get(e.row, {}),
                )
                for e in errors
            ),
            batch_size=2000,
        )

    def _within_cap(self, errors: list[RowError]) -> list[RowError]:
        """The errors still to store under ``MAX_STORED_ERRORS`` for their kind (the first ones, by row)."""
        kept = []
        for error in errors:
            if self.stored_errors.get(error.kind, 0) < MAX_STORED_ERRORS.get(error.kind, 0):
                self.stored_errors[error.kind] += 1
                kept.append(error)
        return kept

    def finish(self) -> None:
        """Write the staged lines and the history's delta, then add the totals to the declaration's counters."""
        if self.staging is not None:
            self._count_lost(self.staging.write())
        self.anomalies.flush()
        Declaration.objects.filter(pk=self.declaration.pk).update(
            lines_accepted=F("lines_accepted") + self.total.accepted,
            lines_flagged=F("lines_flagged") + self.total.flagged,
            lines_rejected=F("lines_rejected") + self.total.rejected,
            lines_duplicate=F("lines_duplicate") + self.total.duplicates,
            updated_at=timezone.now(),
        )
        self.declaration.refresh_from_db()

    def _count_lost(self, lost: list[tuple[int, str]]) -> None:
        """Staged lines whose key another import wrote first (PostgreSQL, concurrent imports): duplicates.

        Their raw cells are gone with their batch, so their error rows carry the row number only.
        """
        if not lost:
            return
        errors = _duplicate_errors([row for row, _status in lost])
        flagged = sum(1 for _row, status in lost if status == DeclarationLine.Status.FLAGGED)
        self.total.accepted -= len(lost) - flagged
        self.total.flagged -= flagged
        self.total.duplicates += len(lost)
        room = MAX_ERRORS_IN_RESULT - len(self.total.errors)
        self.total.errors = sorted(self.total.errors + errors[: max(0, room)], key=lambda e: e.row)
        self.total.errors_truncated = self.total.errors_truncated or len(errors) > room
        if self.sellout_import is not None:
            self._store_row_errors(errors, pl.DataFrame(), [])


def _duplicate_errors(rows: list[int], *, origins: dict[int, str] | None = None) -> list[RowError]:
    message = _("This sale was already declared (duplicate line)")
    origins = origins or {}
    return [
        RowError(
            row=row, field="", message=origins.get(row, message), kind=ImportRowError.Kind.DUPLICATE.value
        )
        for row in rows
    ]


# Duplicates named with the declaration that holds the first copy, per batch (past them, the plain reason).
MAX_ORIGINS_NAMED = 1000


def duplicate_origins(lines: pl.DataFrame, duplicate_rows: list[int], brand_id: int) -> dict[int, str]:
    """Source row -> why it is a duplicate, naming who declared the sale first and in which declaration.

    The key leads with the partner whose sale it is, so the first copy is always that partner's own: declared
    by it, or by its distributor on its behalf (``Declaration.declared_by_partner``). The same sale sent by a
    distributor and by its reseller is thus recognised in either order and counted once.
    """
    if not duplicate_rows:
        return {}
    wanted = lines.filter(pl.col("source_row").is_in(duplicate_rows[:MAX_ORIGINS_NAMED]))
    key_of_row = dict(zip(wanted["source_row"].to_list(), wanted["dedup_key"].to_list(), strict=True))
    firsts = {
        key: (declaration_id, partner_name, distributor_name)
        for key, declaration_id, partner_name, distributor_name in DeclarationLine.objects.filter(
            brand_id=brand_id, dedup_key__in=list(key_of_row.values())
        ).values_list(
            "dedup_key",
            "declaration_id",
            "declaration__partner__name",
            "declaration__declared_by_partner__name",
        )
    }
    origins = {}
    for row, key in key_of_row.items():
        if key not in firsts:
            continue
        declaration_id, partner_name, distributor_name = firsts[key]
        values = {"partner": partner_name, "distributor": distributor_name, "declaration": declaration_id}
        if distributor_name:
            text = _(
                "This sale was already declared by %(distributor)s on behalf of %(partner)s "
                "(declaration %(declaration)s): it is counted once."
            )
        else:
            text = _(
                "This sale was already declared by %(partner)s (declaration %(declaration)s): it is counted once."
            )
        origins[row] = text % values
    return origins


def catalogue_load(brand_id: int) -> validate.Catalogue:
    """The brand's products as the checks read them (GTIN, id, list price, currency)."""
    rows = Product.objects.filter(brand_id=brand_id).values_list("gtin", "pk", "list_price", "currency")
    return validate.Catalogue.from_rows(list(rows))


def list_prices_of(catalogue: validate.Catalogue) -> dict[int, float]:
    """Product id -> list price, for the products that have one (words the price check's flags)."""
    frame = catalogue.frame.drop_nulls("list_price")
    return dict(zip(frame["product_id"].to_list(), frame["list_price"].to_list(), strict=True))


def families_load(brand_id: int) -> dict[int, str]:
    """Product id -> family, for the products of the brand that have one (the anomaly checks' fallback)."""
    return dict(Product.objects.filter(brand_id=brand_id).exclude(family="").values_list("pk", "family"))


# --- Files -------------------------------------------------------------------------------------------------


def import_table(sellout_import: SelloutImport) -> Table:
    """The uploaded file of an import, opened (header found, first rows read)."""
    if not sellout_import.file:
        raise ApplicationError(_("This import has no file."))
    return files.sellout_file_open(sellout_import.file.path)


def mapping_check(table: Table, chosen: dict[str, str]) -> dict[str, str]:
    """The chosen mapping (field -> column header) without blanks, refused when it does not fit the file."""
    cleaned = {k: v for k, v in chosen.items() if v}
    unknown_fields = set(cleaned) - set(FIELD_NAMES)
    if unknown_fields:
        raise ApplicationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown_fields))}
        )
    unknown_columns = [v for v in cleaned.values() if v not in table.headers]
    if unknown_columns:
        raise ApplicationError(
            _("These columns are not in the file: %(columns)s") % {"columns": ", ".join(unknown_columns)}
        )
    used = list(cleaned.values())
    if len(used) != len(set(used)):
        raise ApplicationError(_("A column can hold only one field."))
    missing = mapping.missing_required(cleaned)
    if missing:
        labels = {f.name: str(f.label) for f in FIELDS}
        names = [labels[m] if m != "amount" else _("amount or unit price") for m in missing]
        raise ApplicationError(
            _("These required fields are not mapped to a column: %(fields)s") % {"fields": ", ".join(names)}
        )
    return cleaned


def file_lines_import(
    sellout_import: SelloutImport,
    *,
    job: Job | None,
    period_start: dt.date | None,
    period_end: dt.date | None,
    batch_rows: int = BATCH_ROWS,
) -> tuple[Declaration, IngestResult]:
    """Read a mapped file batch by batch into a new declaration (source of the import), still a draft.

    Run inside the import's transaction (``sellout.services.sellout_import_run``). The declaration's period
    is the one given, else the span of the stored sale dates; the mapping keeps the number format found.
    Progress goes to ``job`` after each batch through ``job_progress`` (on PostgreSQL through a side
    connection held for the run, so a page sees it before commit).
    """
    table = import_table(sellout_import)
    column_mapping = sellout_import.mapping
    if column_mapping is None:
        raise ApplicationError(_("The columns of this file have not been mapped yet."))
    cleaned = mapping_check(table, column_mapping.mapping)
    today = timezone.localdate()
    declaration = Declaration.objects.create(
        brand_id=sellout_import.brand_id,
        partner_id=sellout_import.partner_id,
        period_start=period_start or today,
        period_end=period_end or today,
        source=sellout_import.source,
        created_by=sellout_import.created_by,
    )
    ImportRowError.objects.filter(sellout_import=sellout_import).delete()
    default_decimal = (
        "," if table.delimiter in {";", "\t"} or table.encoding in {"cp1252", "latin-1"} else "."
    )
    engine = Engine(
        declaration=declaration,
        default_decimal=default_decimal,
        options=column_mapping.options if column_mapping.options.get("decimal") else None,
        sellout_import=sellout_import,
        headers=table.headers,
        period=(period_start, period_end),
        staged=True,
    )
    with job_progress_connection(job):
        result = _run_batches(engine, table, cleaned, job=job, batch_rows=batch_rows)
    result.warnings = list(table.warnings)
    declaration.refresh_from_db()
    if result.stored:
        # A file without a period declares the whole months its sales fall in (3 to 28 October: October).
        months = months_covering(engine.min_date or today, engine.max_date or today)
        declaration.period_start = period_start or months[0]
        declaration.period_end = period_end or months[1]
        declaration.save(update_fields=["period_start", "period_end", "updated_at"])
    _mapping_used(column_mapping, engine.options)
    return declaration, result


def _run_batches(
    engine: Engine, table: Table, cleaned: dict[str, str], *, job: Job | None, batch_rows: int
) -> IngestResult:
    """Every batch of the file through the engine, then the staged write; progress after each step."""
    index_of = {header: i for i, header in enumerate(table.headers)}
    selection = {name: f"c{index_of[header]}" for name, header in cleaned.items()}
    rows_expected = _rows_estimate(table)
    rows_seen = 0
    for batch in table.batches(batch_rows):
        frame = batch.with_columns(pl.col(column).alias(name) for name, column in selection.items())
        engine.run_batch(frame, raw_columns=table.columns)
        rows_seen += batch.height
        rows_expected = max(rows_expected, rows_seen)
        _report(job, done=rows_seen, total=rows_expected)
    _report(
        job,
        done=rows_seen,
        total=rows_seen,
        message=_("%(rows)s rows read, writing the lines") % {"rows": rows_seen},
    )
    result = engine.total
    engine.finish()
    _report(job, done=rows_seen, total=rows_seen)
    return result


def _report(job: Job | None, *, done: int, total: int, message: str = "") -> None:
    if job is not None:
        job_progress(job, done=done, total=total, message=message or _("%(rows)s rows read") % {"rows": done})


def _mapping_used(column_mapping: ColumnMapping, options: dict[str, str]) -> None:
    """Keep the number format found in the file on the partner's mapping (unless it had one) and when it
    was last used."""
    if not column_mapping.options.get("decimal"):
        column_mapping.options = {**column_mapping.options, **options}
    column_mapping.last_used_at = timezone.now()
    column_mapping.save(update_fields=["options", "last_used_at", "updated_at"])


def _rows_estimate(table: Table) -> int:
    """Rows in the file, estimated from its size and the length of the first lines (for progress bars)."""
    if table.kind != "csv" or not table.preview or table.path is None:
        return len(table.preview)
    line = sum(len(table.delimiter.join(r)) + 2 for r in table.preview) / len(table.preview)
    return int(table.path.stat().st_size / max(1.0, line))

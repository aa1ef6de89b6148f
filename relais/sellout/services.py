"""Sell-out writes: declarations, their lines (from any source) and file imports.

Every path that adds lines — web form, API, EDIFACT, file import, demo — goes through the same engine:
``validate.check_batch`` (vectorised checks, one error per failed field), ``dedup.with_dedup_keys`` (the
one double-counting rule) and ``store.store_lines`` (bulk write, COPY on PostgreSQL). See docs/sellout.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
from django.core.files import File
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.catalog.models import Product
from relais.core.errors import ApplicationError
from relais.core.jobs import job_enqueue, job_progress
from relais.core.models import Job
from relais.incentives.services import score_enqueue
from relais.insights.services import rollup_enqueue
from relais.sellout import tasks  # noqa: F401  (registers the sellout_import job handler)
from relais.sellout.ingest import dedup, mapping, reader, store, validate
from relais.sellout.ingest.mapping import FIELD_NAMES, FIELDS, FieldSpec  # noqa: F401  (re-exported)
from relais.sellout.models import ColumnMapping, Declaration, DeclarationLine, ImportRowError, SelloutImport

# Rows per batch: bounds memory (see docs/performance.md); progress is reported after each batch.
BATCH_ROWS = 50_000
# The result keeps this many row errors in memory; every error is stored as an ImportRowError anyway.
MAX_ERRORS_IN_RESULT = 1000
IMPORT_JOB_KIND = "sellout_import"


@dataclass
class RowError:
    row: int
    field: str
    message: str
    kind: str = ImportRowError.Kind.REJECTED.value  # "rejected" or "duplicate"


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

    def as_dict(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "flagged": self.flagged,
            "errors": [
                {"row": e.row, "field": e.field, "message": e.message, "kind": e.kind} for e in self.errors
            ],
        }

    def add(self, other: IngestResult) -> None:
        self.accepted += other.accepted
        self.rejected += other.rejected
        self.duplicates += other.duplicates
        self.flagged += other.flagged
        room = MAX_ERRORS_IN_RESULT - len(self.errors)
        self.errors.extend(other.errors[: max(0, room)])
        self.errors_truncated = self.errors_truncated or other.errors_truncated or len(other.errors) > room


@dataclass
class MappingProposal:
    headers: list[str]
    header_row: int
    sample_rows: list[list[str]]
    mapping: dict[str, str]
    confidence: dict[str, float]
    reused_mapping_id: int | None
    required_missing: list[str]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- Declarations ------------------------------------------------------------------------------------------


@transaction.atomic
def declaration_create(
    *, partner, period_start: dt.date, period_end: dt.date, source: str, created_by=None, site=None
) -> Declaration:
    """Open a draft declaration of ``partner`` for a period; lines are added with ``declaration_lines_add``."""
    if period_end < period_start:
        raise ApplicationError(_("The end of the period is before its start."))
    if site is not None and site.partner_id != partner.pk:
        raise ApplicationError(_("This site does not belong to the partner."))
    return Declaration.objects.create(
        brand_id=partner.brand_id,
        partner=partner,
        site=site,
        period_start=period_start,
        period_end=period_end,
        source=source,
        created_by=created_by,
    )


@transaction.atomic
def declaration_lines_add(
    *,
    declaration: Declaration,
    rows: list[dict[str, object]],
    first_row_number: int = 1,
    another_sale: bool = False,
    count_rejected: bool = True,
) -> IngestResult:
    """Check and store lines given as dicts of canonical fields (raw text or typed values).

    The same checks, double-counting rule and bulk write as files. Rows are numbered from
    ``first_row_number`` in errors. Lines are added to draft declarations only. With ``another_sale`` (the
    partner confirmed it on the web form) the lines already in this declaration count as earlier
    occurrences: an identical sale entered again is a second sale, not a duplicate. ``count_rejected``
    False (the web form, where a refused line is corrected on the spot) keeps refused lines out of the
    declaration's ``lines_rejected``, which makes a declaration "partly rejected".
    """
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if declaration.status != Declaration.Status.DRAFT:
        raise ApplicationError(_("Lines can only be added to a draft declaration."))
    if not rows:
        return IngestResult()
    frame = _rows_frame(rows, first_row_number)
    engine = _Engine(
        declaration=declaration,
        default_decimal=".",
        period=(declaration.period_start, declaration.period_end),
    )
    if another_sale:
        engine.occurrences.seed(_declared_bases(declaration))
    result = engine.run_batch(frame, raw_columns=None)
    if not count_rejected:
        engine.total.rejected = 0
    engine.finish()
    return result


def _declared_bases(declaration: Declaration) -> pl.Series:
    """``dedup.key_bases`` of the lines already in a declaration."""
    stored = list(
        DeclarationLine.objects.filter(declaration=declaration).values_list(
            "gtin", "sale_date", "quantity", "invoice_ref"
        )
    )
    frame = pl.DataFrame(
        stored,
        schema={"gtin": pl.String, "sale_date": pl.Date, "quantity": pl.Int64, "invoice_ref": pl.String},
        orient="row",
    )
    return dedup.key_bases(frame, partner_id=declaration.partner_id)


def _rows_frame(rows: list[dict[str, object]], first_row_number: int) -> pl.DataFrame:
    unknown = {key for row in rows for key in row} - set(FIELD_NAMES)
    if unknown:
        raise ApplicationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    data = {name: [_as_text(row.get(name)) for row in rows] for name in FIELD_NAMES}
    frame = pl.DataFrame(data, schema=dict.fromkeys(FIELD_NAMES, pl.String))
    return frame.with_columns(
        pl.int_range(first_row_number, first_row_number + frame.height, dtype=pl.Int64).alias("__row")
    )


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return repr(value)
    return str(value)


@transaction.atomic
def declaration_submit(
    *, declaration: Declaration, user=None, api_key=None, enqueue_followups: bool = True
) -> Declaration:
    """Submit a draft: ``submitted`` while lines wait for the brand's review; else at once ``validated``, or
    ``partly rejected`` when the checks refused some of the lines declared (bad GTIN, date...).

    Its lines count from now on: the rollups of its months are rebuilt and it is scored in the running
    challenges, as background jobs after commit (``declaration_followups_enqueue``). ``enqueue_followups``
    is False only for a loader that rebuilds every rollup and scores everything itself afterwards. ``user``
    (or, through the API, ``api_key``) is recorded as who submitted it.
    """
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if declaration.status != Declaration.Status.DRAFT:
        raise ApplicationError(_("This declaration has already been submitted."))
    _refresh_counters(declaration)
    if declaration.lines_accepted + declaration.lines_flagged == 0:
        raise ApplicationError(_("The declaration has no line to submit."))
    declaration.submitted_at = timezone.now()
    declaration.submitted_by = (
        user if user is not None and user.partner_id == declaration.partner_id else None
    )
    declaration.api_key = api_key
    if declaration.lines_flagged:
        declaration.status = Declaration.Status.SUBMITTED
    else:
        declaration.status = (
            Declaration.Status.PARTLY_REJECTED if declaration.lines_rejected else Declaration.Status.VALIDATED
        )
        declaration.reviewed_at = declaration.submitted_at
    declaration.save(
        update_fields=[
            "status",
            "submitted_at",
            "submitted_by",
            "api_key",
            "reviewed_at",
            "lines_accepted",
            "lines_flagged",
            "updated_at",
        ]
    )
    if enqueue_followups:
        declaration_followups_enqueue(declaration=declaration)
    return declaration


@transaction.atomic
def declaration_line_remove(*, declaration: Declaration, line_id: int) -> Declaration:
    """Remove a line from a draft (a typo in the web form, say): its sale may then be declared again.

    Only drafts: a submitted line counts and can only be rejected by the brand. Counters follow.
    """
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if declaration.status != Declaration.Status.DRAFT:
        raise ApplicationError(_("Lines can only be removed from a draft declaration."))
    deleted, _by_model = DeclarationLine.objects.filter(declaration=declaration, pk=line_id).delete()
    if not deleted:
        raise ApplicationError(_("This line is not in this declaration."))
    _refresh_counters(declaration)
    declaration.save(update_fields=["lines_accepted", "lines_flagged", "updated_at"])
    return declaration


@transaction.atomic
def declaration_discard(*, declaration: Declaration) -> None:
    """Delete a draft and its lines: nothing of it was counted, and its sales may be declared again."""
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if declaration.status != Declaration.Status.DRAFT:
        raise ApplicationError(_("Only a draft can be discarded; a submitted declaration stays on record."))
    declaration.delete()


def declaration_followups_enqueue(*, declaration: Declaration) -> None:
    """After the counted lines of a declaration changed (submitted, a line reviewed): rebuild the rollups of
    its partner and months (insights) and post, confirm or reverse its points (incentives), as background
    jobs run after commit. Both are idempotent, so a second call only does the work again."""
    rollup_enqueue(brand=declaration.brand, declaration=declaration)
    score_enqueue(declaration=declaration)


def _refresh_counters(declaration: Declaration) -> None:
    """Accepted and flagged counters from the stored lines (rejected and duplicates are never stored)."""
    counts = {
        row["status"]: row["n"]
        for row in DeclarationLine.objects.filter(declaration=declaration)
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    }
    declaration.lines_accepted = counts.get(DeclarationLine.Status.ACCEPTED, 0)
    declaration.lines_flagged = counts.get(DeclarationLine.Status.FLAGGED, 0)


# --- The engine shared by every path ---------------------------------------------------------------------


class _Engine:
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
        self.catalogue = _catalogue(declaration.brand_id)
        self.currency = declaration.brand.currency
        self.today = timezone.localdate()
        self.total = IngestResult()
        self.min_date: dt.date | None = None
        self.max_date: dt.date | None = None
        self.staging = (
            store.Staging(brand_id=declaration.brand_id, declaration_id=declaration.pk) if staged else None
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
        if stored.height:
            low, high = stored["sale_date"].min(), stored["sale_date"].max()
            self.min_date = min(filter(None, [self.min_date, low]))  # type: ignore[type-var]
            self.max_date = max(filter(None, [self.max_date, high]))  # type: ignore[type-var]

        errors = [
            RowError(row=row, field=name, message=message)
            for row, name, message in checked.errors.iter_rows()
        ]
        errors += _duplicate_errors(sorted(duplicate_set))
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

    def _store_row_errors(self, errors: list[RowError], frame: pl.DataFrame, raw_columns: list[str]) -> None:
        if not errors:
            return
        wanted = sorted({e.row for e in errors})
        raw_by_row: dict[int, dict[str, str]] = {}
        if raw_columns:
            subset = frame.filter(pl.col("__row").is_in(wanted)).select(["__row", *raw_columns])
            for values in subset.iter_rows():
                raw_by_row[values[0]] = {
                    header: value or "" for header, value in zip(self.headers, values[1:], strict=False)
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

    def finish(self) -> None:
        """Write the staged lines, then add the totals to the declaration's counters."""
        if self.staging is not None:
            self._count_lost(self.staging.write())
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


def _duplicate_errors(rows: list[int]) -> list[RowError]:
    message = _("This sale was already declared (duplicate line)")
    return [
        RowError(row=row, field="", message=message, kind=ImportRowError.Kind.DUPLICATE.value) for row in rows
    ]


def _catalogue(brand_id: int) -> validate.Catalogue:
    rows = Product.objects.filter(brand_id=brand_id).values_list("gtin", "pk", "list_price", "currency")
    return validate.Catalogue.from_rows(list(rows))


# --- File imports ------------------------------------------------------------------------------------------


@transaction.atomic
def sellout_import_create(
    *, partner, uploaded_file: Any, created_by=None, source: str = "file"
) -> SelloutImport:
    """Store an uploaded file (a Django ``File``/``UploadedFile`` or a path) for ``partner``, with its sha256.

    The file is opened once to refuse at upload what cannot be read (empty, not a table).
    """
    if isinstance(uploaded_file, str | Path):
        path = Path(uploaded_file)
        with path.open("rb") as handle:
            return sellout_import_create(
                partner=partner,
                uploaded_file=File(handle, name=path.name),
                created_by=created_by,
                source=source,
            )
    name = Path(getattr(uploaded_file, "name", "") or "sellout.csv").name
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    sellout_import = SelloutImport(
        brand_id=partner.brand_id,
        partner=partner,
        source=source,
        original_name=name[:255],
        sha256=digest.hexdigest(),
        created_by=created_by,
    )
    sellout_import.file.save(name, uploaded_file, save=False)
    sellout_import.save()
    try:
        reader.open_table(sellout_import.file.path)
    except ApplicationError:
        sellout_import.file.delete(save=False)
        raise
    return sellout_import


def _table(sellout_import: SelloutImport) -> reader.Table:
    if not sellout_import.file:
        raise ApplicationError(_("This import has no file."))
    return reader.open_table(sellout_import.file.path)


def sellout_import_propose_mapping(*, sellout_import: SelloutImport) -> MappingProposal:
    """Read the header and first rows, and propose which column holds which field.

    The partner's saved mapping for the same header signature is reused when all its columns are there.
    """
    table = _table(sellout_import)
    signature = mapping.header_signature(table.headers)
    saved = ColumnMapping.objects.filter(partner_id=sellout_import.partner_id, signature=signature).first()
    if saved and saved.mapping and all(h in table.headers for h in saved.mapping.values()):
        proposed = {k: v for k, v in saved.mapping.items() if k in FIELD_NAMES}
        confidence = dict.fromkeys(proposed, 1.0)
        reused = saved.pk
    else:
        proposal = mapping.propose_mapping(table.headers, table.preview)
        proposed, confidence, reused = proposal.mapping, proposal.confidence, None
    return MappingProposal(
        headers=table.headers,
        header_row=table.header_row,
        sample_rows=table.preview[:10],
        mapping=proposed,
        confidence=confidence,
        reused_mapping_id=reused,
        required_missing=mapping.missing_required(proposed),
    )


def _check_mapping(table: reader.Table, chosen: dict[str, str]) -> dict[str, str]:
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


@transaction.atomic
def sellout_import_confirm(
    *,
    sellout_import: SelloutImport,
    mapping: dict[str, str],
    user=None,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
) -> Job:
    """Save the partner's mapping for this layout and queue the import as a job (kind ``sellout_import``)."""
    sellout_import = SelloutImport.objects.select_for_update().get(pk=sellout_import.pk)
    if sellout_import.status not in {SelloutImport.Status.UPLOADED, SelloutImport.Status.MAPPED}:
        raise ApplicationError(_("This file has already been imported."))
    if (period_start is None) != (period_end is None):
        raise ApplicationError(_("Give both the start and the end of the period, or neither."))
    if period_start and period_end and period_end < period_start:
        raise ApplicationError(_("The end of the period is before its start."))
    sellout_import_map(sellout_import=sellout_import, mapping=mapping)
    job = _import_job_enqueue(
        sellout_import,
        period_start=period_start.isoformat() if period_start else None,
        period_end=period_end.isoformat() if period_end else None,
        user=user,
    )
    sellout_import.job = job
    sellout_import.save(update_fields=["job", "updated_at"])
    return job


@transaction.atomic
def sellout_import_retry(*, sellout_import: SelloutImport, user=None) -> Job:
    """Run a failed import again, with the mapping and period it was confirmed with.

    An import is atomic, so a failed one (an error, or a server stopped mid-way) left nothing behind.
    """
    sellout_import = SelloutImport.objects.select_for_update().get(pk=sellout_import.pk)
    previous = Job.objects.filter(pk=sellout_import.job_id).first()
    failed = sellout_import.status == SelloutImport.Status.FAILED or (
        sellout_import.status == SelloutImport.Status.RUNNING
        and previous is not None
        and previous.status == Job.Status.FAILED
    )
    if not failed or sellout_import.mapping_id is None:
        raise ApplicationError(_("Only a failed import can be run again."))
    SelloutImport.objects.filter(pk=sellout_import.pk).update(
        status=SelloutImport.Status.MAPPED, error="", updated_at=timezone.now()
    )
    payload = previous.payload if previous else {}
    job = _import_job_enqueue(
        sellout_import,
        period_start=payload.get("period_start"),
        period_end=payload.get("period_end"),
        user=user,
    )
    SelloutImport.objects.filter(pk=sellout_import.pk).update(job=job)
    return job


def _import_job_enqueue(
    sellout_import: SelloutImport, *, period_start: str | None, period_end: str | None, user=None
) -> Job:
    """Queue the ``sellout_import`` job of an import (its period as ISO dates, or none)."""
    return job_enqueue(
        kind=IMPORT_JOB_KIND,
        payload={
            "sellout_import_id": sellout_import.pk,
            "period_start": period_start,
            "period_end": period_end,
        },
        brand=sellout_import.brand,
        partner=sellout_import.partner,
        created_by=user,
    )


@transaction.atomic
def sellout_import_map(*, sellout_import: SelloutImport, mapping: dict[str, str]) -> ColumnMapping:
    """Check a mapping against the file and save it as the partner's mapping for this layout (no job)."""
    table = _table(sellout_import)
    cleaned = _check_mapping(table, mapping)
    column_mapping = _mapping_save(sellout_import, table, cleaned)
    sellout_import.mapping = column_mapping
    sellout_import.status = SelloutImport.Status.MAPPED
    sellout_import.save(update_fields=["mapping", "status", "updated_at"])
    return column_mapping


def _mapping_save(
    sellout_import: SelloutImport, table: reader.Table, cleaned: dict[str, str]
) -> ColumnMapping:
    signature = mapping.header_signature(table.headers)
    column_mapping, _created = ColumnMapping.objects.update_or_create(
        partner_id=sellout_import.partner_id,
        signature=signature,
        defaults={
            "brand_id": sellout_import.brand_id,
            "headers": table.headers,
            "mapping": cleaned,
            "last_used_at": timezone.now(),
        },
    )
    return column_mapping


def sellout_import_run(
    *,
    sellout_import: SelloutImport,
    job: Job | None = None,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    batch_rows: int = BATCH_ROWS,
) -> IngestResult:
    """Import a mapped file in one transaction: nothing is kept if it fails or is killed mid-way.

    A declaration (source ``file``) is created for the lines and submitted at the end; its period is the
    one given, else the span of the sale dates. Progress is reported on ``job`` after each batch.
    """
    sellout_import = SelloutImport.objects.select_related("mapping", "partner", "brand").get(
        pk=sellout_import.pk
    )
    if sellout_import.status == SelloutImport.Status.DONE:
        raise ApplicationError(_("This file has already been imported."))
    if sellout_import.mapping is None:
        raise ApplicationError(_("The columns of this file have not been mapped yet."))
    SelloutImport.objects.filter(pk=sellout_import.pk).update(status=SelloutImport.Status.RUNNING, error="")
    try:
        result = _import_atomic(sellout_import, job, period_start, period_end, batch_rows)
    except ApplicationError as exc:
        SelloutImport.objects.filter(pk=sellout_import.pk).update(
            status=SelloutImport.Status.FAILED, error=exc.message[:2000]
        )
        raise
    except Exception as exc:
        SelloutImport.objects.filter(pk=sellout_import.pk).update(
            status=SelloutImport.Status.FAILED, error=str(exc)[:2000] or exc.__class__.__name__
        )
        raise
    return result


@transaction.atomic
def _import_atomic(
    sellout_import: SelloutImport,
    job: Job | None,
    period_start: dt.date | None,
    period_end: dt.date | None,
    batch_rows: int,
) -> IngestResult:
    table = _table(sellout_import)
    column_mapping = sellout_import.mapping
    assert column_mapping is not None
    cleaned = _check_mapping(table, column_mapping.mapping)
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
    engine = _Engine(
        declaration=declaration,
        default_decimal=default_decimal,
        options=column_mapping.options if column_mapping.options.get("decimal") else None,
        sellout_import=sellout_import,
        headers=table.headers,
        period=(period_start, period_end),
        staged=True,
    )
    index_of = {header: i for i, header in enumerate(table.headers)}
    selection = {name: f"c{index_of[header]}" for name, header in cleaned.items()}
    rows_expected = _rows_estimate(table)
    rows_seen = 0
    with _ProgressOutsideTransaction(job) as progress:
        for batch in table.batches(batch_rows):
            frame = batch.with_columns(pl.col(column).alias(name) for name, column in selection.items())
            engine.run_batch(frame, raw_columns=table.columns)
            rows_seen += batch.height
            rows_expected = max(rows_expected, rows_seen)
            progress.report(done=rows_seen, total=rows_expected)
        progress.report(
            done=rows_seen,
            total=rows_seen,
            message=_("%(rows)s rows read, writing the lines") % {"rows": rows_seen},
        )
        result = engine.total
        engine.finish()
        progress.report(done=rows_seen, total=rows_seen)
    declaration.refresh_from_db()
    if result.accepted + result.flagged:
        declaration.period_start = period_start or engine.min_date or today
        declaration.period_end = period_end or engine.max_date or today
        declaration.save(update_fields=["period_start", "period_end", "updated_at"])
        declaration_submit(declaration=declaration, user=sellout_import.created_by)
    if not column_mapping.options.get("decimal"):
        column_mapping.options = {**column_mapping.options, **engine.options}
    column_mapping.last_used_at = timezone.now()
    column_mapping.save(update_fields=["options", "last_used_at", "updated_at"])
    SelloutImport.objects.filter(pk=sellout_import.pk).update(
        status=SelloutImport.Status.DONE,
        declaration=declaration,
        rows_total=result.accepted + result.flagged + result.rejected + result.duplicates,
        accepted=result.accepted,
        rejected=result.rejected,
        duplicates=result.duplicates,
        flagged=result.flagged,
        updated_at=timezone.now(),
    )
    return result


class _ProgressOutsideTransaction:
    """Job progress a page can see while the import's transaction is still open.

    The import holds one transaction, so progress written on its connection only shows at commit. On
    PostgreSQL it is also written through a second, autocommit connection; SQLite allows one writer at a
    time, so there the progress shows at the end (documented in docs/sellout.md).
    """

    def __init__(self, job: Job | None) -> None:
        self.job = job
        self.side: Any = None

    def __enter__(self) -> _ProgressOutsideTransaction:
        if self.job is not None and connection.vendor == "postgresql":
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        return self

    def report(self, *, done: int, total: int, message: str = "") -> None:
        if self.job is None:
            return
        message = message or _("%(rows)s rows read") % {"rows": done}
        if self.side is None:
            job_progress(self.job, done=done, total=total, message=message)
            return
        # Only through the side connection: an UPDATE of the job row inside the import's transaction would
        # hold its row lock until commit, and the side connection would then wait for it forever.
        with self.side.cursor() as cursor:
            cursor.execute(
                "UPDATE core_job SET progress_done = %s, progress_total = %s, message = %s, updated_at = %s "
                "WHERE id = %s",
                [done, total, message[:300], timezone.now(), self.job.pk],
            )
        self.job.progress_done, self.job.progress_total, self.job.message = done, total, message[:300]

    def __exit__(self, *exc_info: object) -> None:
        if self.side is not None:
            self.side.close()


def _rows_estimate(table: reader.Table) -> int:
    """Rows in the file, estimated from its size and the length of the first lines (for progress bars)."""
    if table.kind != "csv" or not table.preview:
        return len(table.preview)
    line = sum(len(table.delimiter.join(r)) + 2 for r in table.preview) / len(table.preview)
    return int(table.path.stat().st_size / max(1.0, line))


# --- Rejected rows, for the partner to fix and re-upload ------------------------------------------------


def rejected_rows_csv(*, sellout_import: SelloutImport) -> bytes:
    """The rejected rows of an import as CSV (UTF-8 with BOM, ';'), its original columns plus "error"."""
    column_mapping = sellout_import.mapping
    headers: list[str] = list(column_mapping.headers) if column_mapping else []
    by_row: dict[int, tuple[dict[str, str], list[str]]] = {}
    for error in ImportRowError.objects.filter(
        sellout_import=sellout_import, kind=ImportRowError.Kind.REJECTED
    ).order_by("row", "pk"):
        raw, messages = by_row.setdefault(error.row, (error.raw or {}, []))
        messages.append(error.message)
        for key in raw:
            if key not in headers:
                headers.append(key)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    error_header = _("error")
    writer.writerow([*headers, error_header])
    for _row, (raw, messages) in sorted(by_row.items()):
        writer.writerow([*(raw.get(h, "") for h in headers), "; ".join(messages)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")

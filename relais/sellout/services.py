"""Sell-out writes: declarations, their lines (from any source) and file imports.

Every path that adds lines — web form, API, EDIFACT, file import, demo — goes through the same engine
(``relais.sellout.ingest.engine``): the vectorised checks, the one double-counting rule and the bulk write.
A door that declares in one go (the API, EDIFACT) calls ``declaration_declare``. What follows a declaration
counted (rollups, points) is not here: the entry points call ``relais.followups.declarations``. See
docs/sellout.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
from django.core.files import File
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.core.errors import ApplicationError
from relais.core.models import Job
from relais.core.tabular import Table
from relais.sellout.ingest import dedup, files, mapping
from relais.sellout.ingest.engine import (  # noqa: F401  (BATCH_ROWS, MAX_ERRORS_IN_RESULT re-exported)
    BATCH_ROWS,
    MAX_ERRORS_IN_RESULT,
    Engine,
    IngestResult,
    RowError,
    file_lines_import,
    import_table,
    mapping_check,
)
from relais.sellout.ingest.mapping import FIELD_NAMES, FIELDS, FieldSpec  # noqa: F401  (re-exported)
from relais.sellout.models import ColumnMapping, Declaration, DeclarationLine, SelloutImport

if TYPE_CHECKING:
    from relais.accounts.models import User
    from relais.api.models import ApiKey
    from relais.network.models import PartnerCompany, Site


class NothingDeclared(ApplicationError):
    """Lines were sent but none could be stored (all rejected or already declared): nothing is kept.

    The one refusal of ``declaration_declare``, whatever the door (API, EDIFACT); ``result`` says why, line
    by line (also in ``extra``, so the API answers 400 with it).
    """

    def __init__(self, message: str, *, result: IngestResult) -> None:
        super().__init__(message, extra={"result": result.as_dict()})
        self.result = result


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


@dataclass(frozen=True)
class ImportRequest:
    """A confirmed file import waiting to run: what the ``sellout_import`` job is given (``payload``)."""

    sellout_import: SelloutImport
    period_start: dt.date | None = None
    period_end: dt.date | None = None

    def payload(self) -> dict[str, Any]:
        """The job's payload: the import and its period as ISO dates, or none."""
        return {
            "sellout_import_id": self.sellout_import.pk,
            "period_start": self.period_start.isoformat() if self.period_start else None,
            "period_end": self.period_end.isoformat() if self.period_end else None,
        }


# --- Declarations ------------------------------------------------------------------------------------------


@transaction.atomic
def declaration_create(
    *,
    partner: PartnerCompany,
    period_start: dt.date,
    period_end: dt.date,
    source: str,
    created_by: User | None = None,
    site: Site | None = None,
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
    rows: Sequence[Mapping[str, object]],
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
    engine = Engine(
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


def _rows_frame(rows: Sequence[Mapping[str, object]], first_row_number: int) -> pl.DataFrame:
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
def declaration_declare(
    *,
    partner: PartnerCompany,
    lines: Sequence[Mapping[str, object]],
    source: str,
    period_start: dt.date,
    period_end: dt.date,
    site: Site | None = None,
    user: User | None = None,
    api_key: ApiKey | None = None,
    submit: bool = True,
    row_labels: Sequence[str] = (),
) -> tuple[Declaration, IngestResult]:
    """Declare in one go (the API, EDIFACT): open the declaration, add its lines through the engine, submit.

    Lines sent of which none could be stored are refused with ``NothingDeclared`` (when submitting): the
    whole is rolled back, and the result says why line by line. No line at all leaves an empty draft.
    ``row_labels`` (one per line, e.g. "LIN 3, segment 19") prefix the messages of the line's errors.
    ``user`` is who created and submitted it (a partner's user), ``api_key`` the key it came with.
    """
    declaration = declaration_create(
        partner=partner,
        period_start=period_start,
        period_end=period_end,
        source=source,
        created_by=user,
        site=site,
    )
    result = declaration_lines_add(declaration=declaration, rows=lines, first_row_number=1)
    if row_labels:
        result = _labelled(result, row_labels)
    if submit and lines and not result.stored:
        # Raising rolls the empty declaration back; the result still tells the sender why.
        raise NothingDeclared(_("No line could be stored; nothing was declared."), result=result)
    if submit and result.stored:
        declaration = declaration_submit(declaration=declaration, user=user, api_key=api_key)
    return declaration, result


def _labelled(result: IngestResult, labels: Sequence[str]) -> IngestResult:
    """The result with each error's message led by its row's label (rows are numbered from 1)."""
    errors = [
        replace(error, message=f"{labels[error.row - 1]}: {error.message}")
        if 0 < error.row <= len(labels) and labels[error.row - 1]
        else error
        for error in result.errors
    ]
    return replace(result, errors=errors)


@transaction.atomic
def declaration_submit(
    *, declaration: Declaration, user: User | None = None, api_key: ApiKey | None = None
) -> Declaration:
    """Submit a draft: ``submitted`` while lines wait for the brand's review; else at once ``validated``, or
    ``partly rejected`` when the checks refused some of the lines declared (bad GTIN, date...).

    Its lines count from now on; what follows (rollups, points) is the caller's:
    ``relais.followups.declarations.declaration_submit``. ``user`` (or, through the API, ``api_key``) is
    recorded as who submitted it.
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


# --- File imports ------------------------------------------------------------------------------------------


@transaction.atomic
def sellout_import_create(
    *, partner: PartnerCompany, uploaded_file: Any, created_by: User | None = None, source: str = "file"
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
        files.sellout_file_open(sellout_import.file.path)
    except ApplicationError:
        sellout_import.file.delete(save=False)
        raise
    return sellout_import


def sellout_import_propose_mapping(*, sellout_import: SelloutImport) -> MappingProposal:
    """Read the header and first rows, and propose which column holds which field.

    The partner's saved mapping for the same header signature is reused when all its columns are there.
    """
    table = import_table(sellout_import)
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


@transaction.atomic
def sellout_import_confirm(
    *,
    sellout_import: SelloutImport,
    mapping: dict[str, str],
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
) -> ImportRequest:
    """Check the period, save the partner's mapping for this layout: the import is ready to run.

    The job that runs it is queued by ``relais.followups.declarations.sellout_import_confirm``.
    """
    sellout_import = SelloutImport.objects.select_for_update().get(pk=sellout_import.pk)
    if sellout_import.status not in {SelloutImport.Status.UPLOADED, SelloutImport.Status.MAPPED}:
        raise ApplicationError(_("This file has already been imported."))
    if (period_start is None) != (period_end is None):
        raise ApplicationError(_("Give both the start and the end of the period, or neither."))
    if period_start and period_end and period_end < period_start:
        raise ApplicationError(_("The end of the period is before its start."))
    sellout_import_map(sellout_import=sellout_import, mapping=mapping)
    return ImportRequest(sellout_import=sellout_import, period_start=period_start, period_end=period_end)


@transaction.atomic
def sellout_import_retry(*, sellout_import: SelloutImport) -> ImportRequest:
    """Make a failed import ready to run again, with the mapping and period it was confirmed with.

    An import is atomic, so a failed one (an error, or a server stopped mid-way) left nothing behind. The
    job is queued by ``relais.followups.declarations.sellout_import_retry``. An import still "running"
    that no run holds (its process was killed) is interrupted first (``sellout_imports_interrupted_mark``).
    """
    sellout_imports_interrupted_mark(brand_id=sellout_import.brand_id)
    sellout_import = SelloutImport.objects.select_for_update().get(pk=sellout_import.pk)
    previous = Job.objects.filter(pk=sellout_import.job_id).first() if sellout_import.job_id else None
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
    return ImportRequest(
        sellout_import=sellout_import,
        period_start=_iso_date(payload.get("period_start")),
        period_end=_iso_date(payload.get("period_end")),
    )


def _iso_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def sellout_import_job_attach(*, sellout_import: SelloutImport, job: Job) -> None:
    """Record the job that runs (or ran) an import: its page follows that job's progress."""
    SelloutImport.objects.filter(pk=sellout_import.pk).update(job=job, updated_at=timezone.now())
    sellout_import.job = job


@transaction.atomic
def sellout_import_map(*, sellout_import: SelloutImport, mapping: dict[str, str]) -> ColumnMapping:
    """Check a mapping against the file and save it as the partner's mapping for this layout (no job)."""
    table = import_table(sellout_import)
    cleaned = mapping_check(table, mapping)
    column_mapping = _mapping_save(sellout_import, table, cleaned)
    sellout_import.mapping = column_mapping
    sellout_import.status = SelloutImport.Status.MAPPED
    sellout_import.save(update_fields=["mapping", "status", "updated_at"])
    return column_mapping


def _mapping_save(sellout_import: SelloutImport, table: Table, cleaned: dict[str, str]) -> ColumnMapping:
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
    one given, else the span of the sale dates. Progress is reported on ``job`` after each batch. What
    follows the declaration counted is the caller's (``relais.followups.declarations.sellout_import_run``).
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
    # The import's row stays locked while it runs: what no run holds is an import whose process died.
    SelloutImport.objects.select_for_update().filter(pk=sellout_import.pk).first()
    sellout_imports_interrupted_mark(brand_id=sellout_import.brand_id, running_here=sellout_import.pk)
    declaration, result = file_lines_import(
        sellout_import, job=job, period_start=period_start, period_end=period_end, batch_rows=batch_rows
    )
    kept: Declaration | None = declaration
    if result.stored:
        declaration_submit(declaration=declaration, user=sellout_import.created_by)
    else:
        # Nothing new (a re-run of lines already declared): no empty draft is left behind.
        declaration.delete()
        kept = None
    SelloutImport.objects.filter(pk=sellout_import.pk).update(
        status=SelloutImport.Status.DONE,
        declaration=kept,
        rows_total=result.accepted + result.flagged + result.rejected + result.duplicates,
        accepted=result.accepted,
        rejected=result.rejected,
        duplicates=result.duplicates,
        flagged=result.flagged,
        updated_at=timezone.now(),
    )
    return result


def sellout_imports_interrupted_mark(*, brand_id: int, running_here: int = 0) -> int:
    """Mark "running" imports of a brand that no run holds any more as failed (interrupted); returns how
    many. They can then be run again (``sellout_import_retry``), like a failed one. ``running_here``: the
    import this transaction runs (its own lock does not keep it out of ``skip_locked``).

    A run holds its import's row locked in its transaction (``_import_atomic``), so on PostgreSQL a row
    that ``skip_locked`` still returns belongs to a dead process (a killed command, a stopped server). On
    SQLite there is one writer at a time: a caller inside a write transaction sees no other run in
    progress. Called at the start of every file import, so the next run of a brand clears the stale ones.
    """
    stale = list(
        SelloutImport.objects.select_for_update(skip_locked=True)
        .filter(brand_id=brand_id, status=SelloutImport.Status.RUNNING)
        .exclude(pk=running_here)
        .values_list("pk", flat=True)
    )
    if not stale:
        return 0
    message = _(
        "Interrupted: the import stopped before it finished (its process was stopped). Nothing was kept; "
        "run it again."
    )
    return SelloutImport.objects.filter(pk__in=stale, status=SelloutImport.Status.RUNNING).update(
        status=SelloutImport.Status.FAILED, error=message, updated_at=timezone.now()
    )

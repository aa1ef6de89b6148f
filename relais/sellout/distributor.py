"""A distributor and its resellers: what it reads of them, and its declarations on their behalf.

The brand marks a partner as a distributor (``PartnerCompany.is_distributor``); its resellers are the partners
whose ``parent`` it is. A declaration on behalf of a reseller is the reseller's declaration (``partner``: whose
sales they are) with the distributor recorded (``declared_by_partner``). Its lines go through the same engine
and the same dedup key as the reseller's own, and the key leads with the reseller: the same sale sent by both,
in either order, is stored once and the second copy is reported as a duplicate naming the first
(``engine.duplicate_origins``). Points and analytics read stored lines, so they count it once.

What follows a declaration counted (rollups, points) is the caller's: the views call
``relais.followups.declarations.declaration_counted`` for each declaration returned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais.core.errors import ApplicationError
from relais.core.tabular import RowError
from relais.network.models import PartnerCompany
from relais.sellout import services as sellout
from relais.sellout.ingest import mapping
from relais.sellout.ingest.engine import Engine, IngestResult, import_table, mapping_check
from relais.sellout.models import Declaration, DeclarationLine, ImportRowError, SelloutImport, Source
from relais.sellout.periods import months_covering

if TYPE_CHECKING:
    from relais.accounts.models import User

# The mapping's extra target of a distributor's file: which column names the reseller of each line.
RESELLER_FIELD = "reseller_code"
RESELLER_LABEL = gettext_lazy("Reseller code")
RESELLER_SYNONYMS = {
    "reseller",
    "reseller code",
    "code reseller",
    "code revendeur",
    "revendeur",
    "code client",
    "dealer",
    "dealer code",
    "partner code",
    "code partenaire",
}

COUNTED = (DeclarationLine.Status.ACCEPTED, DeclarationLine.Status.FLAGGED)


# --- Reads -------------------------------------------------------------------------------------------------


def resellers_of(*, distributor: PartnerCompany) -> QuerySet[PartnerCompany]:
    """The distributor's resellers (the partners whose parent it is), of its brand only."""
    if not distributor.is_distributor:
        return PartnerCompany.objects.none()
    return PartnerCompany.objects.filter(brand_id=distributor.brand_id, parent=distributor)


def reseller_find(*, distributor: PartnerCompany, reseller_id: int) -> PartnerCompany | None:
    """One of the distributor's resellers, or ``None`` for any other partner."""
    return resellers_of(distributor=distributor).filter(pk=reseller_id).first()


def reseller_totals(*, distributor: PartnerCompany, since: dt.date | None = None) -> list[dict[str, Any]]:
    """Per reseller: its counted lines, units and amount (submitted declarations, whoever declared them),
    and how many of its declarations the distributor sent. Resellers without sales are listed with zeros.
    One query for the sums, one for the resellers."""
    resellers = list(resellers_of(distributor=distributor).order_by("name"))
    lines = DeclarationLine.objects.filter(
        brand_id=distributor.brand_id,
        partner_id__in=[r.pk for r in resellers],
        status__in=COUNTED,
    ).exclude(declaration__status=Declaration.Status.DRAFT)
    if since is not None:
        lines = lines.filter(sale_date__gte=since)
    sums: dict[int, dict[str, Any]] = {
        row["partner_id"]: dict(row)
        for row in lines.values("partner_id")
        .annotate(
            lines=Count("id"),
            units=Sum("quantity"),
            amount=Sum("amount"),
            on_behalf=Count("id", filter=Q(declaration__declared_by_partner=distributor)),
        )
        .order_by()
    }
    empty = {"lines": 0, "units": 0, "amount": 0, "on_behalf": 0}
    return [{"reseller": r, **{k: sums.get(r.pk, empty)[k] or 0 for k in empty}} for r in resellers]


def reseller_declarations(*, distributor: PartnerCompany, limit: int = 100) -> QuerySet[Declaration]:
    """The latest declarations of the distributor's resellers, by them or on their behalf."""
    return (
        Declaration.objects.filter(
            brand_id=distributor.brand_id, partner__in=resellers_of(distributor=distributor)
        )
        .exclude(status=Declaration.Status.DRAFT)
        .select_related("partner", "declared_by_partner")
        .order_by("-submitted_at", "-pk")[:limit]
    )


def reseller_column_propose(headers: Sequence[str]) -> str:
    """The column of a file that most likely holds the reseller code ('' when none looks like it)."""
    for header in headers:
        if mapping.normalise_header(header) in RESELLER_SYNONYMS:
            return header
    return ""


# --- Writes ------------------------------------------------------------------------------------------------


@dataclass
class OnBehalfOutcome:
    """What a declaration on behalf stored: the declarations submitted (one per reseller) and the result."""

    declarations: list[Declaration] = field(default_factory=list)
    result: IngestResult = field(default_factory=IngestResult)


def _check_distributor(distributor: PartnerCompany) -> None:
    if not distributor.is_distributor:
        raise ApplicationError(_("Only a distributor can declare on behalf of resellers."))


@transaction.atomic
def declaration_on_behalf_declare(
    *,
    distributor: PartnerCompany,
    reseller: PartnerCompany,
    lines: Sequence[Mapping[str, object]],
    period_start: dt.date,
    period_end: dt.date,
    user: User | None = None,
) -> OnBehalfOutcome:
    """Declare sales of ``reseller`` as its distributor (the web form), submitted at once.

    Nothing is kept when no line could be stored (all refused, or all already declared): the result says
    why, line by line. Refused: a partner that is not one of the distributor's resellers.
    """
    _check_distributor(distributor)
    if reseller.parent_id != distributor.pk or reseller.brand_id != distributor.brand_id:
        raise ApplicationError(_("This partner is not one of your resellers."))
    declaration = sellout.declaration_create(
        partner=reseller,
        period_start=period_start,
        period_end=period_end,
        source=Source.FORM,
        created_by=user,
    )
    Declaration.objects.filter(pk=declaration.pk).update(declared_by_partner=distributor)
    result = sellout.declaration_lines_add(declaration=declaration, rows=lines, first_row_number=1)
    outcome = OnBehalfOutcome(result=result)
    if result.stored:
        outcome.declarations.append(sellout.declaration_submit(declaration=declaration, user=user))
    else:
        declaration.delete()
    return outcome


@transaction.atomic
def sellout_import_on_behalf_run(
    *,
    distributor: PartnerCompany,
    sellout_import: SelloutImport,
    chosen: Mapping[str, str],
    reseller_column: str,
    user: User | None = None,
) -> OnBehalfOutcome:
    """Import a distributor's file whose ``reseller_column`` names the reseller of each line.

    One declaration per reseller found (``declared_by_partner``: the distributor), each run through the engine
    and submitted. A row whose code is empty, unknown or not one of the distributor's resellers is refused
    with its row number and the field "Reseller code"; the other rows load. Row errors (refused and
    duplicate) stay on the import, as for a partner's own file. Synchronous: a distributor's monthly file is
    a few thousand lines.
    """
    _check_distributor(distributor)
    sellout_import = SelloutImport.objects.select_for_update().get(pk=sellout_import.pk)
    if sellout_import.partner_id != distributor.pk or sellout_import.status == SelloutImport.Status.DONE:
        raise ApplicationError(_("This file has already been imported."))
    table = import_table(sellout_import)
    if reseller_column not in table.headers:
        raise ApplicationError(_("Choose the column that holds the reseller code."))
    cleaned = mapping_check(table, {k: v for k, v in chosen.items() if k != RESELLER_FIELD})
    if reseller_column in cleaned.values():
        raise ApplicationError(_("A column can hold only one field."))
    codes = dict(resellers_of(distributor=distributor).values_list("code", "pk"))
    index_of = {header: i for i, header in enumerate(table.headers)}
    selection = {name: f"c{index_of[header]}" for name, header in cleaned.items()}
    code_column = f"c{index_of[reseller_column]}"
    engines: dict[int, Engine] = {}
    decimal = "," if table.delimiter in {";", "\t"} or table.encoding in {"cp1252", "latin-1"} else "."
    outcome = OnBehalfOutcome()
    for batch in table.batches(50_000):
        frame = batch.with_columns(pl.col(c).alias(name) for name, c in selection.items()).with_columns(
            pl.col(code_column)
            .fill_null("")
            .str.strip_chars()
            .replace_strict(codes, default=None, return_dtype=pl.Int64)
            .alias("_r")
        )
        _refuse_unknown(frame.filter(pl.col("_r").is_null()), code_column, sellout_import, outcome)
        for (reseller_id,), rows in (
            frame.filter(pl.col("_r").is_not_null()).partition_by("_r", as_dict=True).items()
        ):
            engine = engines.get(reseller_id) or _engine_for(
                distributor, reseller_id, sellout_import, table.headers, user, decimal
            )
            engines[reseller_id] = engine
            engine.run_batch(rows.drop("_r"), raw_columns=table.columns)
    for engine in engines.values():
        _finish(engine, outcome, user)
    SelloutImport.objects.filter(pk=sellout_import.pk).update(
        status=SelloutImport.Status.DONE,
        accepted=outcome.result.accepted,
        rejected=outcome.result.rejected,
        duplicates=outcome.result.duplicates,
        flagged=outcome.result.flagged,
        updated_at=timezone.now(),
    )
    outcome.result.errors.sort(key=lambda e: e.row)
    return outcome


def _refuse_unknown(
    unknown: pl.DataFrame, code_column: str, sellout_import: SelloutImport, outcome: OnBehalfOutcome
) -> None:
    """Rows whose reseller code is not one of the distributor's resellers: refused, row and field named."""
    if not unknown.height:
        return
    errors = []
    for row, code in unknown.select("__row", code_column).iter_rows():
        message = (
            _("The reseller code “%(code)s” is not one of your resellers.") % {"code": code}
            if code
            else _("The reseller code is missing.")
        )
        errors.append(RowError(row=row, field=str(RESELLER_LABEL), message=message))
    ImportRowError.objects.bulk_create(
        ImportRowError(
            sellout_import=sellout_import,
            kind=ImportRowError.Kind.REJECTED,
            row=e.row,
            field=e.field,
            message=e.message,
        )
        for e in errors
    )
    outcome.result.add(IngestResult(rejected=len(errors), errors=errors))


def _engine_for(
    distributor: PartnerCompany,
    reseller_id: int,
    sellout_import: SelloutImport,
    headers: list[str],
    user: User | None,
    decimal: str,
) -> Engine:
    today = timezone.localdate()
    declaration = Declaration.objects.create(
        brand_id=distributor.brand_id,
        partner_id=reseller_id,
        declared_by_partner=distributor,
        period_start=today,
        period_end=today,
        source=Source.FILE,
        created_by=user,
    )
    return Engine(
        declaration=declaration, default_decimal=decimal, sellout_import=sellout_import, headers=headers
    )


def _finish(engine: Engine, outcome: OnBehalfOutcome, user: User | None) -> None:
    """Write a reseller's lines, give its declaration the months of its sales, and submit it (or drop it
    when nothing was stored)."""
    engine.finish()
    outcome.result.add(engine.total)
    declaration = engine.declaration
    if not engine.total.stored:
        declaration.delete()
        return
    today = timezone.localdate()
    start, end = months_covering(engine.min_date or today, engine.max_date or today)
    Declaration.objects.filter(pk=declaration.pk).update(period_start=start, period_end=end)
    outcome.declarations.append(sellout.declaration_submit(declaration=declaration, user=user))

"""The brand endpoints, ``/api/v1/brand/``: authenticated by a brand key (``rb_…``) carrying the scope each
endpoint names. A partner key (``rk_…``) is refused here (401), as a brand key is on the partner endpoints.

- ``GET /brand/sellout`` (``sellout:read``): validated sell-out lines, incremental by change time, a page at a
  time behind an opaque cursor (``relais.api.cursor``);
- ``POST /brand/catalog`` (``catalog:write``), ``/brand/partners`` (``partners:write``), ``/brand/sellin``
  (``sellin:write``): rows as the files of the import commands would carry them, through the same importers,
  answered with the same report (counts and one error per row and field). ``Idempotency-Key`` is honoured
  as on the partner endpoints, scoped to the key;
- ``POST /brand/objectives`` (``objectives:write``): account objectives of a period, through the programs'
  objective import (its preview checks every row; the valid rows are written, the others named).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from relais.api.auth import BrandKeyAuth, request_brand, request_brand_key
from relais.api.cursor import SETTLE, Cursor, cursor_decode
from relais.api.idempotency import idempotency_key_openapi, idempotent_call, request_fingerprint
from relais.api.models import BrandScope
from relais.api.schemas import ErrorOut, ValidationErrorOut
from relais.catalog.importing import catalog_import
from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.core.tabular import ImportReport, RowError, Table
from relais.followups.network import partners_import
from relais.programs.objectives import account_objectives_import, account_objectives_preview
from relais.programs.selectors import program_find
from relais.sellout.models import Declaration, DeclarationLine
from relais.stock.services import sellin_import

router = Router(tags=["brand"])

PAGE_DEFAULT = 500
PAGE_MAX = 5000
PUSH_ROWS_MAX = 10_000
COUNTED = (Declaration.Status.VALIDATED, Declaration.Status.PARTLY_REJECTED)


class SelloutLineOut(Schema):
    id: int
    declaration_id: int
    partner_code: str
    gtin: str
    quantity: int
    unit_price: Decimal | None
    amount: Decimal
    currency: str
    sale_date: date
    channel: str
    invoice_ref: str
    customer_type: str
    customer_postcode_area: str
    changed_at: datetime


class SelloutPageOut(Schema):
    items: list[SelloutLineOut]
    next_cursor: str = Field(
        description="Pass it as `cursor` to continue; keep it to pull what changes next."
    )
    has_more: bool


class PushIn(Schema):
    rows: list[dict[str, str | int | float | None]] = Field(
        ...,
        max_length=PUSH_ROWS_MAX,
        description="One object per row, keyed by the import file's column names.",
    )
    dry_run: bool = False


class PushRowError(Schema):
    row: int
    field: str
    message: str


class PushOut(Schema):
    created: int
    updated: int
    unchanged: int
    rejected: int
    errors: list[PushRowError]
    unknown_columns: list[str]
    dry_run: bool


@router.get(
    "/sellout",
    auth=BrandKeyAuth(BrandScope.SELLOUT_READ),
    response={200: SelloutPageOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="Validated sell-out lines, incremental by change time",
    description="Lines of validated declarations ordered by (change time, id). Start with `updated_since` (or "
    "nothing, for everything), then follow `next_cursor` while `has_more`; keep the last `next_cursor` for the "
    "next pull. A line whose declaration changes again is sent again; none is missed or repeated otherwise.",
)
def sellout_pull(
    request: HttpRequest,
    updated_since: datetime | None = None,
    cursor: str | None = None,
    limit: int = Query(PAGE_DEFAULT, ge=1, le=PAGE_MAX),  # type: ignore[type-arg]
) -> Any:
    brand = request_brand(request)
    if cursor:
        start = cursor_decode(cursor)
    elif updated_since is not None:
        if timezone.is_naive(updated_since):
            raise ApplicationError(_("updated_since needs a time zone, e.g. 2026-11-01T00:00:00Z."))
        start = Cursor(changed_at=updated_since, row_id=0)
    else:
        start = None
    rows = _sellout_page(brand=brand, start=start, limit=limit)
    has_more = len(rows) > limit
    rows = rows[:limit]
    if rows:
        next_cursor = Cursor(changed_at=rows[-1]["changed_at"], row_id=rows[-1]["id"]).encode()
    else:
        next_cursor = cursor or (start.encode() if start else "")
    return {"items": rows, "next_cursor": next_cursor, "has_more": has_more}


def _sellout_page(*, brand: Brand, start: Cursor | None, limit: int) -> list[dict[str, Any]]:
    """One page and one row more (to tell whether another page follows), served up to the settling horizon."""
    lines = (
        DeclarationLine.objects.filter(
            brand=brand,
            status=DeclarationLine.Status.ACCEPTED,
            declaration__status__in=COUNTED,
            declaration__updated_at__lte=timezone.now() - SETTLE,
        )
        .annotate(changed_at=F("declaration__updated_at"), partner_code=F("partner__code"))
        .order_by("changed_at", "id")
    )
    if start is not None:
        lines = lines.filter(
            Q(changed_at__gt=start.changed_at) | Q(changed_at=start.changed_at, id__gt=start.row_id)
        )
    rows: list[dict[str, Any]] = list(
        lines.values(  # type: ignore[arg-type]
            "id",
            "declaration_id",
            "partner_code",
            "gtin",
            "quantity",
            "unit_price",
            "amount",
            "currency",
            "sale_date",
            "channel",
            "invoice_ref",
            "customer_type",
            "customer_postcode_area",
            "changed_at",
        )[: limit + 1]
    )
    return rows


def _table(rows: list[dict[str, Any]]) -> Table:
    """The pushed rows as the table an import file would give: headers from every key seen, cells as text."""
    if not rows:
        raise ApplicationError(_("Send at least one row."))
    headers: list[str] = []
    for row in rows:
        headers += [key for key in row if key not in headers]
    cells: list[tuple[int, list[object]]] = [
        (number, ["" if row.get(h) is None else str(row.get(h)) for h in headers])
        for number, row in enumerate(rows, start=1)
    ]
    return Table(headers=headers, rows=cells, header_row=0)


def _push(
    request: HttpRequest, payload: PushIn, importer: Callable[..., ImportReport]
) -> Status[dict[str, Any]]:
    brand = request_brand(request)

    def run() -> tuple[int, dict[str, Any]]:
        report = importer(brand=brand, table=_table(payload.rows), dry_run=payload.dry_run)
        return 200, report.as_dict()

    status, body = idempotent_call(
        brand_api_key=request_brand_key(request),
        key=request.headers.get("Idempotency-Key"),
        request_hash=request_fingerprint(request),
        run=run,
    )
    return Status(status, body)


PUSH_RESPONSES = {
    200: PushOut,
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    409: ErrorOut,
    422: ValidationErrorOut,
}
PUSH_DESCRIPTION = (
    "Rows are numbered from 1 in the order sent; each refused row is named with its field in `errors`, the "
    "others are written. `dry_run` checks and reports without writing."
)


@router.post(
    "/catalog",
    auth=BrandKeyAuth(BrandScope.CATALOG_WRITE),
    response=PUSH_RESPONSES,
    summary="Upsert products (gtin, name, family, list_price, currency)",
    description=PUSH_DESCRIPTION,
    openapi_extra=idempotency_key_openapi(required=False),
)
def catalog_push(request: HttpRequest, payload: PushIn) -> Any:
    return _push(request, payload, catalog_import)


@router.post(
    "/partners",
    auth=BrandKeyAuth(BrandScope.PARTNERS_WRITE),
    response=PUSH_RESPONSES,
    summary="Upsert partners (code, name, kind, country, region, city, parent code, ...)",
    description=PUSH_DESCRIPTION + " Tiers and segments are recomputed after.",
    openapi_extra=idempotency_key_openapi(required=False),
)
def partners_push(request: HttpRequest, payload: PushIn) -> Any:
    return _push(request, payload, partners_import)


@router.post(
    "/sellin",
    auth=BrandKeyAuth(BrandScope.SELLIN_WRITE),
    response=PUSH_RESPONSES,
    summary="Store sell-in (partner code or GLN, gtin, quantity, date, reference, amount)",
    description=PUSH_DESCRIPTION + " A shipment already stored is counted unchanged.",
    openapi_extra=idempotency_key_openapi(required=False),
)
def sellin_push(request: HttpRequest, payload: PushIn) -> Any:
    return _push(request, payload, sellin_import)


class ObjectivesIn(PushIn):
    period_start: date
    period_end: date
    program_id: int | None = Field(None, description="The channel program the objectives belong to, if any.")


@router.post(
    "/objectives",
    auth=BrandKeyAuth(BrandScope.OBJECTIVES_WRITE),
    response=PUSH_RESPONSES,
    summary="Set account objectives (partner_code, metric, target, family or product) for a period",
    description=PUSH_DESCRIPTION + " An objective of the same partner, period and scope is replaced.",
    openapi_extra=idempotency_key_openapi(required=False),
)
def objectives_push(request: HttpRequest, payload: ObjectivesIn) -> Any:
    brand = request_brand(request)
    program = None
    if payload.program_id is not None:
        program = program_find(brand=brand, program_id=payload.program_id)
        if program is None:
            raise ApplicationError(_("Unknown program %(id)s.") % {"id": payload.program_id})

    def run() -> tuple[int, dict[str, Any]]:
        preview = account_objectives_preview(
            brand=brand, content=_csv(payload.rows), filename="objectives.csv"
        )
        rows = preview.valid_rows()
        if not payload.dry_run and rows:
            account_objectives_import(
                brand=brand,
                rows=rows,
                period_start=payload.period_start,
                period_end=payload.period_end,
                program=program,
            )
        # The file's data rows start on line 2 (after the header): numbered back as sent, from 1.
        errors = [RowError(e.row - 1, e.field, e.message, e.kind) for e in preview.errors]
        report = ImportReport(
            created=len(rows),
            rejected=len({e.row for e in errors}),
            errors=errors,
            dry_run=payload.dry_run,
        )
        return 200, report.as_dict()

    status, body = idempotent_call(
        brand_api_key=request_brand_key(request),
        key=request.headers.get("Idempotency-Key"),
        request_hash=request_fingerprint(request),
        run=run,
    )
    return Status(status, body)


def _csv(rows: list[dict[str, Any]]) -> bytes:
    """The pushed rows as the CSV file the objectives import reads."""
    table = _table(rows)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(table.headers)
    writer.writerows(cells for _n, cells in table.rows)
    return out.getvalue().encode()

"""Sell-out endpoints of the JSON API: declarations (JSON lines or an EDIFACT SLSRPT message).

Every endpoint authenticates a partner by API key and sees only that partner's declarations. POSTs honour
``Idempotency-Key`` (see relais/api/idempotency.py).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import model_validator

from relais.api.auth import api_key_auth, request_partner
from relais.api.idempotency import idempotency_key_openapi, idempotent_call, request_fingerprint
from relais.api.models import ApiKey
from relais.api.schemas import ErrorOut, ValidationErrorOut
from relais.core.errors import ApplicationError
from relais.followups.declarations import declaration_declare, edifact_declaration_import
from relais.sellout.edifact import EdifactOutcome
from relais.sellout.ingest.fields import MAX_LENGTHS
from relais.sellout.models import Declaration, Source
from relais.sellout.periods import period_refusal
from relais.sellout.selectors import partner_declaration_get, partner_declarations, partner_site_find
from relais.sellout.services import IngestResult

router = Router(tags=["sell-out"], auth=api_key_auth)

# PostgreSQL refuses NUL in text; a pattern keeps such strings out at the schema (documented) level.
NO_NUL = r"^[^\x00]*$"
ShortText = Annotated[str, Field(max_length=60, pattern=NO_NUL)]

ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut}


class LineIn(Schema):
    """One sale (or a return, with a negative quantity). Give the unit price, the amount, or both."""

    gtin: str = Field(..., max_length=20, pattern=NO_NUL, description="GTIN-8/12/13/14 of the product")
    quantity: int = Field(..., ge=-1_000_000, le=1_000_000)
    unit_price: Decimal | None = Field(None, max_digits=14, decimal_places=4, ge=-(10**9), le=10**9)
    amount: Decimal | None = Field(None, max_digits=16, decimal_places=2, ge=-(10**12), le=10**12)
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$", description="ISO 4217; the brand's by default")
    sale_date: date
    channel: Literal["in_store", "online"] = "in_store"
    invoice_ref: ShortText = ""
    customer_type: Literal["b2b", "b2c", ""] = ""
    customer_postcode_area: str = Field("", max_length=10, pattern=NO_NUL)
    customer_segment: ShortText = ""
    customer_ref: str = Field(
        "", max_length=64, pattern=NO_NUL, description="your own customer number; pseudonymised on arrival"
    )
    feedback: str = Field("", max_length=MAX_LENGTHS["feedback"], pattern=NO_NUL)

    def as_row(self) -> dict[str, str]:
        """The canonical row the ingest engine reads (text, as from a file)."""
        row = {
            "gtin": self.gtin,
            "quantity": str(self.quantity),
            "sale_date": self.sale_date.isoformat(),
            "channel": self.channel,
            "invoice_ref": self.invoice_ref,
            "customer_type": self.customer_type,
            "customer_postcode_area": self.customer_postcode_area,
            "customer_segment": self.customer_segment,
            "customer_ref": self.customer_ref,
            "feedback": self.feedback,
        }
        if self.unit_price is not None:
            row["unit_price"] = str(self.unit_price)
        if self.amount is not None:
            row["amount"] = str(self.amount)
        if self.currency:
            row["currency"] = self.currency
        return row


class DeclarationIn(Schema):
    period_start: date
    period_end: date
    site: int | None = Field(None, ge=1, le=2**31 - 1, description="id of one of your sites")
    submit: bool = Field(True, description="submit the declaration (else it stays a draft)")
    lines: list[LineIn] = Field(default_factory=list, max_length=10_000)

    @model_validator(mode="after")
    def _period_in_order(self) -> DeclarationIn:
        if self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        return self


class RowErrorOut(Schema):
    row: int = Field(..., description="1-based index in `lines` (or the LIN group of an EDIFACT message)")
    field: str
    message: str
    kind: str = Field(..., description="rejected or duplicate")


class IngestResultOut(Schema):
    accepted: int
    rejected: int
    duplicates: int
    flagged: int
    errors: list[RowErrorOut]


class DeclarationOut(Schema):
    id: int
    period_start: date
    period_end: date
    site: int | None
    source: str
    status: str
    submitted_at: datetime | None
    lines_accepted: int
    lines_rejected: int
    lines_duplicate: int
    lines_flagged: int
    created_at: datetime


class DeclarationCreatedOut(Schema):
    id: int
    declaration: DeclarationOut
    result: IngestResultOut


class EdifactPartOut(Schema):
    """One message × place of sale of the file: its declaration (null when none of its lines could be
    stored) and the result of its lines (rows numbered within the part)."""

    interchange: str
    message: str
    location_gln: str
    declaration: DeclarationOut | None
    result: IngestResultOut


class EdifactCreatedOut(DeclarationCreatedOut):
    """``id``/``declaration``/``result``: the first declaration made; ``declarations``: every part of the
    file; ``total``: all the file's lines (rows numbered in the order of its LIN groups)."""

    declarations: list[EdifactPartOut]
    total: IngestResultOut


def _declaration_out(declaration: Declaration) -> dict[str, Any]:
    return DeclarationOut(
        id=declaration.pk,
        period_start=declaration.period_start,
        period_end=declaration.period_end,
        site=declaration.site_id,
        source=declaration.source,
        status=declaration.status,
        submitted_at=declaration.submitted_at,
        lines_accepted=declaration.lines_accepted,
        lines_rejected=declaration.lines_rejected,
        lines_duplicate=declaration.lines_duplicate,
        lines_flagged=declaration.lines_flagged,
        created_at=declaration.created_at,
    ).model_dump(mode="json")


def _result_out(result: IngestResult) -> dict[str, Any]:
    return {
        "accepted": result.accepted,
        "rejected": result.rejected,
        "duplicates": result.duplicates,
        "flagged": result.flagged,
        "errors": [
            {"row": e.row, "field": e.field or "", "message": str(e.message), "kind": str(e.kind)}
            for e in result.errors
        ],
    }


def _request_key(request: HttpRequest) -> ApiKey | None:
    """The API key the request was authenticated with (``api_key_auth`` puts it on ``request.auth``)."""
    key = getattr(request, "auth", None)
    return key if isinstance(key, ApiKey) else None


def _created(declaration: Declaration, result: IngestResult) -> tuple[int, dict[str, Any]]:
    declaration.refresh_from_db()
    return 201, {
        "id": declaration.pk,
        "declaration": _declaration_out(declaration),
        "result": _result_out(result),
    }


def _edifact_created(outcome: EdifactOutcome) -> tuple[int, dict[str, Any]]:
    for declaration in outcome.declarations:
        declaration.refresh_from_db()
    first = next(entry for entry in outcome.declared if entry.declaration is not None)
    return 201, {
        "id": outcome.declaration.pk,
        "declaration": _declaration_out(outcome.declaration),
        "result": _result_out(first.result),
        "declarations": [
            {
                "interchange": entry.part.interchange_ref,
                "message": entry.part.message_ref,
                "location_gln": entry.part.location_gln,
                "declaration": _declaration_out(entry.declaration) if entry.declaration else None,
                "result": _result_out(entry.result),
            }
            for entry in outcome.declared
        ],
        "total": _result_out(outcome.result),
    }


@router.post(
    "/declarations",
    response={201: DeclarationCreatedOut, **ERRORS},
    summary="Declare sales",
    description="Create a declaration with its lines. Lines that fail validation are reported in "
    "`result.errors` (row = index in `lines`, 1-based, and field) and not stored. Send an "
    "`Idempotency-Key` header to retry safely: the same key and body replay the first response.",
    openapi_extra=idempotency_key_openapi(required=False),
)
def declaration_post(request: HttpRequest, payload: DeclarationIn) -> Status[Any]:
    partner = request_partner(request)

    def run() -> tuple[int, dict[str, Any]]:
        refusal = period_refusal(payload.period_start, payload.period_end, today=timezone.localdate())
        if refusal:
            raise ApplicationError(refusal)
        site = None
        if payload.site is not None:
            site = partner_site_find(partner=partner, site_id=payload.site)
            if site is None:
                raise ApplicationError(_("Unknown site %(site)s for your company.") % {"site": payload.site})
        declaration, result = declaration_declare(
            partner=partner,
            lines=[line.as_row() for line in payload.lines],
            source=Source.API,
            period_start=payload.period_start,
            period_end=payload.period_end,
            site=site,
            api_key=_request_key(request),
            submit=payload.submit,
        )
        return _created(declaration, result)

    status, body = idempotent_call(
        partner=partner,
        key=request.headers.get("Idempotency-Key"),
        request_hash=request_fingerprint(request),
        run=run,
    )
    return Status(status, body)


@router.get(
    "/declarations",
    response={200: list[DeclarationOut], 401: ErrorOut, 422: ValidationErrorOut},
    summary="Your declarations",
)
@paginate(LimitOffsetPagination)
def declaration_list(request: HttpRequest) -> Any:
    partner = request_partner(request)
    return [_declaration_out(d) for d in partner_declarations(partner=partner)]


@router.get(
    "/declarations/{declaration_id}",
    response={200: DeclarationOut, 401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="One of your declarations",
)
def declaration_get(
    request: HttpRequest, declaration_id: Annotated[int, Path(ge=1, le=2**63 - 1)]
) -> dict[str, Any]:
    partner = request_partner(request)
    return _declaration_out(partner_declaration_get(partner=partner, declaration_id=declaration_id))


@router.post(
    "/edifact",
    response={201: EdifactCreatedOut, **ERRORS},
    summary="Declare sales with an EDIFACT SLSRPT message",
    description="The request body is the raw EDIFACT file: one or more interchanges (UNB … UNZ) of "
    "SLSRPT messages (UNH … UNT). One declaration per message and place of sale (LOC+162): `declarations` "
    "lists them all, `declaration`/`result` is the first. The period comes from DTM+90/91 (or DTM+324), "
    "lines from the LIN groups (GTIN, QTY+153, PRI, MOA+203, DTM+356). Errors name the interchange, the "
    "message, the LIN group and the segment. Honours `Idempotency-Key`.",
    openapi_extra={
        **idempotency_key_openapi(required=False),
        "requestBody": {
            "required": True,
            "content": {"application/edifact": {"schema": {"type": "string"}}},
        },
    },
)
def edifact_post(request: HttpRequest) -> Status[Any]:
    partner = request_partner(request)

    def run() -> tuple[int, dict[str, Any]]:
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError:
            text = request.body.decode("latin-1")
        outcome = edifact_declaration_import(partner=partner, text=text, api_key=_request_key(request))
        return _edifact_created(outcome)

    status, body = idempotent_call(
        partner=partner,
        key=request.headers.get("Idempotency-Key"),
        request_hash=request_fingerprint(request),
        run=run,
    )
    return Status(status, body)

"""The funds API (key auth): the partner's balances, requests (created with ``Idempotency-Key``), claims
(created as multipart uploads with their proofs, with ``Idempotency-Key``), and the lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Path, Router, Schema, Status
from ninja.files import UploadedFile

from relais.api.auth import api_key_auth, request_partner
from relais.api.schemas import ErrorOut, ValidationErrorOut
from relais.core.errors import ApplicationError
from relais.funds import selectors, services
from relais.funds.models import ActivityType, FundClaim, FundRequest
from relais.funds.proofs import ProofFile

router = Router(tags=["funds"], auth=api_key_auth)

Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


class AllocationOut(Schema):
    allocation_id: int
    budget: str
    period_start: dt.date
    period_end: dt.date
    currency: str
    kind: str
    granted: Decimal
    available: Decimal
    reserved: Decimal
    paid: Decimal
    expired: Decimal


class RequestIn(Schema):
    allocation_id: int = Field(..., ge=1, le=2**63 - 1)
    activity_type: str = Field(
        ..., max_length=40, description="The code of one of the brand's activity types"
    )
    title: str = Field(..., min_length=1, max_length=200)
    planned_cost: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)
    starts_on: dt.date
    ends_on: dt.date
    expected_results: str = ""
    description: str = ""


class RequestOut(Schema):
    id: int
    allocation_id: int
    activity_type: str
    title: str
    planned_cost: Decimal
    starts_on: dt.date
    ends_on: dt.date
    status: str
    approved_amount: Decimal
    decision_reason: str


class ClaimOut(Schema):
    id: int
    request_id: int
    actual_cost: Decimal
    status: str
    approved_amount: Decimal
    payment_reference: str
    paid_on: dt.date | None
    proofs: list[str]


def _key(request: HttpRequest) -> str:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or len(key) > 255:
        raise ApplicationError(_("The Idempotency-Key header is required (at most 255 characters)."))
    return key


def _request_out(item: FundRequest) -> dict[str, Any]:
    return {
        "id": item.pk,
        "allocation_id": item.allocation_id,
        "activity_type": item.activity_type.code,
        "title": item.title,
        "planned_cost": item.planned_cost,
        "starts_on": item.starts_on,
        "ends_on": item.ends_on,
        "status": item.status,
        "approved_amount": item.approved_amount,
        "decision_reason": item.decision_reason,
    }


def _claim_out(item: FundClaim) -> dict[str, Any]:
    return {
        "id": item.pk,
        "request_id": item.request_id,
        "actual_cost": item.actual_cost,
        "status": item.status,
        "approved_amount": item.approved_amount,
        "payment_reference": item.payment_reference,
        "paid_on": item.paid_on,
        "proofs": [proof.kind for proof in item.proofs.all()],
    }


@router.get("/me/funds/balance", response={200: list[AllocationOut], **ERRORS}, summary="My marketing funds")
def funds_balance(request: HttpRequest) -> list[dict[str, Any]]:
    partner = request_partner(request)
    return [
        {
            "allocation_id": row["allocation"].pk,
            "budget": row["budget"].name,
            "period_start": row["budget"].period_start,
            "period_end": row["budget"].period_end,
            "currency": row["budget"].currency,
            "kind": row["allocation"].kind,
            "granted": row["balance"].granted,
            "available": row["balance"].available,
            "reserved": row["balance"].reserved,
            "paid": row["balance"].paid,
            "expired": row["balance"].expired,
        }
        for row in selectors.partner_allocations(partner=partner)
    ]


@router.get("/me/funds/requests", response={200: list[RequestOut], **ERRORS}, summary="My fund requests")
def funds_requests(request: HttpRequest) -> list[dict[str, Any]]:
    partner = request_partner(request)
    return [_request_out(item) for item in selectors.partner_requests(partner=partner)[:500]]


@router.post(
    "/me/funds/requests",
    response={201: RequestOut, **ERRORS},
    summary="Ask for funding of an activity",
    description="Requires `Idempotency-Key`: the same key returns the request it first made.",
)
def funds_request_create(request: HttpRequest, payload: RequestIn) -> Status[Any]:
    partner = request_partner(request)
    key = _key(request)
    allocation = selectors.partner_allocation_get(partner=partner, allocation_id=payload.allocation_id)
    activity = ActivityType.objects.filter(brand_id=partner.brand_id, code=payload.activity_type).first()
    if activity is None:
        raise ApplicationError(_("Unknown activity type."), extra={"field": "activity_type"})
    created = services.fund_request_submit(
        allocation=allocation,
        activity_type=activity,
        title=payload.title,
        planned_cost=payload.planned_cost,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        expected_results=payload.expected_results,
        description=payload.description,
        idempotency_key=key,
    )
    return Status(201, _request_out(created))


@router.get("/me/funds/claims", response={200: list[ClaimOut], **ERRORS}, summary="My fund claims")
def funds_claims(request: HttpRequest) -> list[dict[str, Any]]:
    partner = request_partner(request)
    return [
        _claim_out(item)
        for item in selectors.partner_claims(partner=partner).prefetch_related("proofs")[:500]
    ]


@router.post(
    "/me/funds/requests/{request_id}/claims",
    response={201: ClaimOut, **ERRORS},
    summary="Claim the reimbursement of an approved activity, with its proofs",
    description="Multipart: `actual_cost`, `note`, and one or more `proofs` files (PDF, JPEG or PNG). "
    "Requires `Idempotency-Key`: the same key returns the claim it first made.",
)
def funds_claim_create(
    request: HttpRequest,
    request_id: Id,
    actual_cost: Form[Decimal],
    proofs: File[list[UploadedFile]],
    note: Form[str] = "",
) -> Status[Any]:
    partner = request_partner(request)
    key = _key(request)
    fund_request = selectors.partner_request_get(partner=partner, request_id=request_id)
    files = [ProofFile(name=f.name or "", content=f.read()) for f in proofs]
    claim = services.fund_claim_submit(
        request=fund_request, actual_cost=actual_cost, files=files, note=note, idempotency_key=key
    )
    return Status(201, _claim_out(claim))

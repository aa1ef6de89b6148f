"""The merchandising API (key auth): the POS material my company can order and its orders (created with
``Idempotency-Key``), the store checklists and my company's visits (created as multipart uploads with their
photos, checked like the portal's: JPEG or PNG by their first bytes, 5 MB at most).

A key belongs to a partner company: it reads and writes that company's orders and visits only; another
partner's or brand's object is a 404."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Path, Router, Schema, Status
from ninja.files import UploadedFile

from relais.api.auth import api_key_auth, request_partner
from relais.api.schemas import ErrorOut, ValidationErrorOut
from relais.core.errors import ApplicationError
from relais.merchandising import selectors, services
from relais.merchandising.models import Checklist, PosItem, PosOrder, StoreVisit, VisitAnswer

router = Router(tags=["merchandising"], auth=api_key_auth)

Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
MAX_ANSWERS_CHARS = 20_000


class PosItemOut(Schema):
    id: int
    name: str
    description: str
    stock: int
    per_partner_limit: int | None
    points_price: int


class PosOrderIn(Schema):
    item_id: int = Field(..., ge=1, le=2**63 - 1)
    quantity: int = Field(..., ge=1, le=1000)


class PosOrderOut(Schema):
    id: int
    item_id: int
    item: str
    quantity: int
    points_total: int
    status: str
    refusal_reason: str
    created_at: dt.datetime
    shipped_at: dt.datetime | None


class ChecklistItemOut(Schema):
    id: int
    label: str
    kind: str = Field(..., description="yes_no, number or photo")


class ChecklistOut(Schema):
    id: int
    name: str
    program: str | None
    items: list[ChecklistItemOut]


class AnswerOut(Schema):
    item_id: int
    label: str
    kind: str
    value_bool: bool | None
    value_number: Decimal | None
    has_photo: bool
    status: str = Field(..., description="pending, accepted or rejected (the brand's review)")
    comment: str


class VisitOut(Schema):
    id: int
    checklist_id: int
    checklist: str
    visited_on: dt.date
    note: str
    status: str
    answers: list[AnswerOut]


def _key(request: HttpRequest) -> str:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or len(key) > 100:
        raise ApplicationError(_("The Idempotency-Key header is required (at most 100 characters)."))
    return key


def _item_out(item: PosItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "name": item.name,
        "description": item.description,
        "stock": item.stock,
        "per_partner_limit": item.per_partner_limit,
        "points_price": item.points_price,
    }


def _order_out(order: PosOrder) -> dict[str, Any]:
    return {
        "id": order.pk,
        "item_id": order.item_id,
        "item": order.item.name,
        "quantity": order.quantity,
        "points_total": order.points_total,
        "status": order.status,
        "refusal_reason": order.refusal_reason,
        "created_at": order.created_at,
        "shipped_at": order.shipped_at,
    }


def _checklist_out(checklist: Checklist) -> dict[str, Any]:
    return {
        "id": checklist.pk,
        "name": checklist.name,
        "program": checklist.program.name if checklist.program else None,
        "items": [{"id": i.pk, "label": i.label, "kind": i.kind} for i in checklist.items.all()],
    }


def _visit_out(visit: StoreVisit, answers: Iterable[VisitAnswer] | None = None) -> dict[str, Any]:
    """A visit, with ``answers`` (with their items), or its prefetched ones."""
    return {
        "id": visit.pk,
        "checklist_id": visit.checklist_id,
        "checklist": visit.checklist.name,
        "visited_on": visit.visited_on,
        "note": visit.note,
        "status": visit.status,
        "answers": [
            {
                "item_id": a.item_id,
                "label": a.item.label,
                "kind": a.item.kind,
                "value_bool": a.value_bool,
                "value_number": a.value_number,
                "has_photo": bool(a.photo),
                "status": a.status,
                "comment": a.comment,
            }
            for a in (visit.answers.all() if answers is None else answers)
        ],
    }


@router.get("/me/merchandising/items", response={200: list[PosItemOut], **ERRORS}, summary="POS material")
def pos_items(request: HttpRequest) -> list[dict[str, Any]]:
    """The POS material and display kits my company can order (the brand's active items)."""
    partner = request_partner(request)
    return [_item_out(item) for item in selectors.pos_item_list(brand=partner.brand, active_only=True)[:500]]


@router.get("/me/merchandising/orders", response={200: list[PosOrderOut], **ERRORS}, summary="My POS orders")
def pos_orders(request: HttpRequest) -> list[dict[str, Any]]:
    partner = request_partner(request)
    return [_order_out(order) for order in selectors.partner_pos_orders(partner=partner)[:500]]


@router.get(
    "/me/merchandising/orders/{order_id}",
    response={200: PosOrderOut, **ERRORS},
    summary="One of my POS orders",
)
def pos_order(request: HttpRequest, order_id: Id) -> dict[str, Any]:
    partner = request_partner(request)
    return _order_out(selectors.partner_pos_order_get(partner=partner, order_id=order_id))


@router.post(
    "/me/merchandising/orders",
    response={201: PosOrderOut, **ERRORS},
    summary="Order POS material",
    description="Takes the stock at once (and the points, for a paid item); the brand then approves or "
    "refuses it. Requires `Idempotency-Key`: the same key returns the order it first made.",
)
def pos_order_create(request: HttpRequest, payload: PosOrderIn) -> Status[Any]:
    partner = request_partner(request)
    key = _key(request)
    item = selectors.pos_item_get(brand=partner.brand, item_id=payload.item_id, active_only=True)
    order = services.pos_order_request(
        partner=partner, item=item, quantity=payload.quantity, user=None, idempotency_key=key
    )
    return Status(201, _order_out(order))


@router.get(
    "/me/merchandising/checklists", response={200: list[ChecklistOut], **ERRORS}, summary="Store checklists"
)
def checklists(request: HttpRequest) -> list[dict[str, Any]]:
    """The brand's active store checklists, with the items a visit answers."""
    partner = request_partner(request)
    rows = selectors.checklist_list(brand=partner.brand, active_only=True).prefetch_related("items")[:200]
    return [_checklist_out(checklist) for checklist in rows]


@router.get("/me/merchandising/visits", response={200: list[VisitOut], **ERRORS}, summary="My store visits")
def visits(request: HttpRequest) -> list[dict[str, Any]]:
    partner = request_partner(request)
    return [_visit_out(visit) for visit in selectors.partner_visits_with_answers(partner=partner)[:200]]


@router.get(
    "/me/merchandising/visits/{visit_id}",
    response={200: VisitOut, **ERRORS},
    summary="One of my store visits",
)
def visit(request: HttpRequest, visit_id: Id) -> dict[str, Any]:
    found = selectors.partner_visit_get(partner=request_partner(request), visit_id=visit_id)
    return _visit_out(found, selectors.visit_answers(visit=found))


def _answers(raw: str) -> dict[int, str]:
    """``{"<item id>": "yes" | "no" | number}`` as the service takes it (item id → text)."""
    error = ApplicationError(
        _('Answers must be a JSON object: {"<item id>": "yes", "<item id>": 6}.'), extra={"field": "answers"}
    )
    if len(raw) > MAX_ANSWERS_CHARS:
        raise error
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        raise error from None
    if not isinstance(data, dict):
        raise error
    answers = {}
    for key, value in data.items():
        if not key.isdigit() or isinstance(value, dict | list) or value is None:
            raise error
        if isinstance(value, bool):
            value = "yes" if value else "no"
        answers[int(key)] = str(value)
    return answers


@router.post(
    "/me/merchandising/visits",
    response={201: VisitOut, **ERRORS},
    summary="Record a store visit, with its photos",
    description="Multipart: `checklist_id`, `visited_on`, `note`, `answers` (a JSON object from checklist "
    'item id to the answer: `{"12": "yes", "13": 6}`), and the photos: the files in `photos`, each for the '
    "item at the same position in `photo_item_ids`. Photos are JPEG or PNG (recognised by their content), "
    "5 MB at most. The visit then awaits the brand's review.",
)
def visit_create(
    request: HttpRequest,
    checklist_id: Form[int],
    visited_on: Form[dt.date],
    answers: Form[str] = "{}",
    note: Form[str] = "",
    photo_item_ids: Form[list[int] | None] = None,
    photos: File[list[UploadedFile] | None] = None,
) -> Status[Any]:
    partner = request_partner(request)
    if not 1 <= checklist_id < 2**63:
        raise ApplicationError(_("Unknown checklist."), extra={"field": "checklist_id"})
    checklist = selectors.checklist_get(brand=partner.brand, checklist_id=checklist_id, active_only=True)
    files = list(photos or [])
    ids = list(photo_item_ids or [])
    if len(files) != len(ids) or len(set(ids)) != len(ids):
        raise ApplicationError(
            _("Send one photo per item id of photo_item_ids, each item once."), extra={"field": "photos"}
        )
    item_ids = set(checklist.items.values_list("pk", flat=True))
    by_item = _answers(answers)
    if not set(by_item) | set(ids) <= item_ids:
        raise ApplicationError(_("Unknown checklist item."), extra={"field": "answers"})
    created = services.visit_submit(
        partner=partner,
        checklist=checklist,
        visited_on=visited_on,
        answers=by_item,
        photos=dict(zip(ids, files, strict=True)),
        user=None,
        note=note[:5000],
    )
    return Status(201, _visit_out(created, selectors.visit_answers(visit=created)))

"""Points and rewards endpoints of the JSON API: balance, ledger, leaderboard rank, catalogue, redemption.

Every endpoint authenticates a partner by API key (the company's account) and sees only that partner's data.
``POST /rewards/{id}/redeem`` requires ``Idempotency-Key``: a replay returns the same response (one order,
one debit), the same key with another body is a 409.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import BaseModel

from relais.api.auth import api_key_auth, request_partner
from relais.api.idempotency import idempotency_key_openapi, idempotent_call, request_fingerprint
from relais.api.schemas import ErrorOut, ValidationErrorOut
from relais.core.errors import ApplicationError
from relais.followups import programs as followups_programs
from relais.incentives import selectors, services
from relais.incentives.models import PointsEntry, RedemptionOrder
from relais.incentives.reasons import reason_text
from relais.incentives.texts import language_of_request, localized

router = Router(tags=["points and rewards"], auth=api_key_auth)


class Pagination(LimitOffsetPagination):
    """Limit/offset with bounds the database can take (an offset past 2^63 is an SQL error, not an empty page)."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=500)
        offset: int = Field(0, ge=0, le=1_000_000_000)


Id = Annotated[int, Path(ge=1, le=2**63 - 1)]


class BalanceOut(Schema):
    balance: int = Field(..., description="Sum of the ledger, provisional points included")
    available: int = Field(..., description="Confirmed points that can be spent")
    provisional: int = Field(..., description="Points whose declaration can still be rejected")


class EntryOut(Schema):
    id: int
    created_at: datetime
    kind: str
    status: str
    amount: int
    reason: str = Field(..., description="Why, in the reader's language (Accept-Language)")
    reason_code: str = Field(..., description="What the reason is, for programs (empty: a person's text)")
    reason_params: dict[str, Any]
    challenge_id: int | None
    declaration_id: int | None
    expires_at: datetime | None

    @staticmethod
    def resolve_reason(entry: PointsEntry) -> str:
        return reason_text(entry.reason_code, entry.reason_params, entry.reason)


class BoardOut(Schema):
    segment_id: int | None
    segment_name: str | None
    rank: int | None
    score: int
    gap_to_next: int
    size: int


class LeaderboardOut(Schema):
    challenge_id: int
    challenge: str
    boards: list[BoardOut]


class RewardOut(Schema):
    id: int
    name: str = Field(..., description="In the reader's language (Accept-Language) when the brand wrote it")
    description: str
    points_price: int
    stock: int | None
    image_url: str


class RedeemIn(BaseModel):
    """A plain pydantic model, not a ninja ``Schema``: a ``Schema`` reads any value by attribute, so a body
    such as ``[null, null]`` passed as ``{}`` and ordered one unit; this one accepts only a JSON object."""

    quantity: int = Field(1, ge=1, le=1000)


class OrderOut(Schema):
    id: int
    reward_id: int
    reward: str
    quantity: int
    points_total: int
    status: str
    created_at: datetime


def _order_key(key: str) -> str:
    """Order keys are at most 100 characters; a longer header key is stored by its digest."""
    return key if len(key) <= 100 else "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def _order_out(order: RedemptionOrder) -> dict[str, Any]:
    return OrderOut(
        id=order.pk,
        reward_id=order.reward_id,
        reward=order.reward.name,
        quantity=order.quantity,
        points_total=order.points_total,
        status=order.status,
        created_at=order.created_at,
    ).model_dump(mode="json")


@router.get("/points/balance", response={200: BalanceOut, 401: ErrorOut}, summary="Your points balance")
def balance_get(request: HttpRequest) -> dict[str, int]:
    return selectors.account_summary(partner=request_partner(request))


@router.get(
    "/points/ledger",
    response={200: list[EntryOut], 401: ErrorOut, 422: ValidationErrorOut},
    summary="Your points history, newest first",
)
@paginate(Pagination)
def ledger_list(request: HttpRequest) -> Any:
    partner = request_partner(request)
    account = selectors.points_account_find(partner=partner)
    if account is None:
        return []
    return selectors.ledger_entries(brand=partner.brand, account=account)


@router.get(
    "/challenges/{challenge_id}/leaderboard",
    response={200: LeaderboardOut, 401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Your rank in a challenge, overall and in your segments, and the gap to the next place",
)
def leaderboard_get(request: HttpRequest, challenge_id: Id) -> dict[str, Any]:
    partner = request_partner(request)
    challenge = selectors.partner_challenge_get(partner=partner, challenge_id=challenge_id)
    boards = []
    for board in selectors.partner_boards(challenge=challenge, partner=partner):
        rank = board["rank"] or {}
        boards.append(
            {
                "segment_id": board["segment_id"],
                "segment_name": board["segment_name"],
                "rank": rank.get("rank"),
                "score": rank.get("score", 0),
                "gap_to_next": rank.get("gap_to_next", 0),
                "size": board["size"],
            }
        )
    return {
        "challenge_id": challenge.pk,
        "challenge": localized(challenge, "name", language_of_request(request)),
        "boards": boards,
    }


@router.get("/rewards", response={200: list[RewardOut], 401: ErrorOut}, summary="Rewards you can order")
def reward_list(request: HttpRequest) -> list[dict[str, Any]]:
    partner = request_partner(request)
    language = language_of_request(request)
    return [
        {
            **RewardOut.model_validate(reward, from_attributes=True).model_dump(),
            "name": localized(reward, "name", language),
            "description": localized(reward, "description", language),
        }
        for reward in selectors.partner_rewards(
            partner=partner, premium_allowed=followups_programs.premium_allowed(partner=partner)
        )
    ]


@router.post(
    "/rewards/{reward_id}/redeem",
    response={
        201: OrderOut,
        400: ErrorOut,
        401: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ValidationErrorOut,
    },
    summary="Order a reward with your points",
    description="Requires the `Idempotency-Key` header: replaying it returns the same order (one debit); the "
    "same key with another body is a 409.",
    openapi_extra=idempotency_key_openapi(required=True),
)
def reward_redeem(request: HttpRequest, reward_id: Id, payload: RedeemIn) -> Status[Any]:
    partner = request_partner(request)
    key = request.headers.get("Idempotency-Key")
    if not key:
        raise ApplicationError(_("The Idempotency-Key header is required to order a reward."))
    premium = followups_programs.premium_allowed(partner=partner)
    reward = selectors.partner_reward_get(partner=partner, reward_id=reward_id, premium_allowed=premium)

    def run() -> tuple[int, dict[str, Any]]:
        # Another order under the same key raises IdempotencyConflict: the API answers it with a 409.
        order = services.reward_redeem(
            partner=partner,
            reward=reward,
            quantity=payload.quantity,
            user=None,
            idempotency_key=_order_key(key),
            premium_allowed=premium,
        )
        return 201, _order_out(order)

    status, body = idempotent_call(
        partner=partner, key=key, request_hash=request_fingerprint(request), run=run
    )
    return Status(status, body)


@router.get(
    "/orders",
    response={200: list[OrderOut], 401: ErrorOut, 422: ValidationErrorOut},
    summary="Your reward orders, newest first",
)
@paginate(Pagination)
def order_list(request: HttpRequest) -> Any:
    partner = request_partner(request)
    return [_order_out(o) for o in selectors.order_list(brand=partner.brand, partner=partner)]


@router.get(
    "/orders/{order_id}",
    response={200: OrderOut, 401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="One of your reward orders",
)
def order_get(request: HttpRequest, order_id: Id) -> dict[str, Any]:
    partner = request_partner(request)
    order = selectors.order_list(brand=partner.brand, partner=partner).filter(pk=order_id).first()
    if order is None:
        raise Http404
    return _order_out(order)

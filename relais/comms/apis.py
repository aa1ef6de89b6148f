"""Communications endpoints of the JSON API: my inbox (list, mark read), my notification preferences, the
sales-aid library of my partner company.

A key authenticates a partner company; "my" inbox and preferences are those of the user who created the
key (a partner user of that company, still active): a key of nobody's is refused with a 404.
Texts come in the reader's language (``Accept-Language``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import translation
from ninja import Field, Path, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from relais.accounts.models import User
from relais.api.auth import api_key_auth, request_partner
from relais.api.models import ApiKey
from relais.api.schemas import ErrorOut, ValidationErrorOut
from relais.comms import selectors, services
from relais.comms.models import ContentItem, Delivery
from relais.comms.rendering import Rendered, language_of, message_render

router = Router(tags=["communications"], auth=api_key_auth)

Id = Annotated[int, Path(ge=1, le=2**63 - 1)]


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=200)
        offset: int = Field(0, ge=0, le=1_000_000_000)


class InboxOut(Schema):
    id: int
    created_at: datetime
    kind: str
    code: str = Field(..., description="The notification's kind (empty for a brand's campaign)")
    subject: str
    html: str = Field(..., description="The text as safe HTML (Markdown rendered, raw HTML escaped)")
    read_at: datetime | None

    @staticmethod
    def resolve_kind(obj: Delivery) -> str:
        return obj.message.kind

    @staticmethod
    def resolve_code(obj: Delivery) -> str:
        return obj.message.code

    @staticmethod
    def resolve_subject(obj: Delivery) -> str:
        return _rendered(obj).subject

    @staticmethod
    def resolve_html(obj: Delivery) -> str:
        return _rendered(obj).html


def _rendered(delivery: Delivery) -> Rendered:
    """The delivery's message in the reader's language, rendered once per object."""
    cached = getattr(delivery, "_rendered", None)
    if cached is None:
        language = language_of(translation.get_language() or "")
        cached = message_render(message=delivery.message, language=language)
        delivery._rendered = cached  # type: ignore[attr-defined]
    return cached


class PreferenceIn(Schema):
    kind: str
    in_portal: bool
    by_email: bool
    email_frequency: Literal["immediate", "daily", "weekly"] = Field(
        "immediate", description="E-mails one by one (immediate) or gathered in a daily or weekly digest"
    )


class PreferenceOut(PreferenceIn):
    label: str


class ContentOut(Schema):
    id: int
    kind: str
    title: str
    description: str
    language: str
    co_branded: bool
    version: int
    valid_until: date | None
    download_url: str = Field(..., description="Path of the file (co-branded PDFs are made for the company)")

    @staticmethod
    def resolve_version(obj: ContentItem) -> int:
        return obj.current_version.number if obj.current_version else 0

    @staticmethod
    def resolve_download_url(obj: ContentItem) -> str:
        return reverse("comms:library_download", args=[obj.pk])


def _key_user(request: HttpRequest) -> User:
    api_key: ApiKey = request.auth  # type: ignore[attr-defined]
    user = api_key.created_by
    if user is None or not user.is_active or user.partner_id != api_key.partner_id:
        raise Http404
    return user


@router.get(
    "/me/inbox",
    response={200: list[InboxOut], 401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="My inbox, newest first (the API key creator's)",
)
@paginate(Pagination)
def my_inbox(request: HttpRequest) -> QuerySet[Delivery]:
    return selectors.inbox_list(user=_key_user(request))


@router.post(
    "/me/inbox/{delivery_id}/read",
    response={200: InboxOut, 401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Mark one message read",
)
def my_inbox_read(request: HttpRequest, delivery_id: Id) -> Delivery:
    delivery = selectors.delivery_get(user=_key_user(request), delivery_id=delivery_id)
    return services.delivery_mark_read(delivery=delivery)


def _preferences(user: User) -> list[PreferenceOut]:
    return [
        PreferenceOut(
            kind=r["kind"],
            label=str(r["label"]),
            in_portal=r["in_portal"],
            by_email=r["by_email"],
            email_frequency=r["email_frequency"],
        )
        for r in selectors.preference_list(user=user)
    ]


@router.get(
    "/me/notification-preferences",
    response={200: list[PreferenceOut], 401: ErrorOut, 404: ErrorOut},
    summary="My notification preferences",
)
def my_preferences(request: HttpRequest) -> list[PreferenceOut]:
    return _preferences(_key_user(request))


@router.put(
    "/me/notification-preferences",
    response={200: list[PreferenceOut], 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Set my choice for some kinds (the others keep theirs)",
)
def my_preferences_set(request: HttpRequest, payload: list[PreferenceIn]) -> list[PreferenceOut]:
    user = _key_user(request)
    for row in payload:
        services.preference_set(
            user=user,
            kind=row.kind,
            in_portal=row.in_portal,
            by_email=row.by_email,
            email_frequency=row.email_frequency,
        )
    return _preferences(user)


@router.get(
    "/me/library",
    response={200: list[ContentOut], 401: ErrorOut, 422: ValidationErrorOut},
    summary="The sales aids my company can use",
)
@paginate(Pagination)
def my_library(request: HttpRequest, q: str = "", kind: str = "") -> QuerySet[ContentItem]:
    partner = request_partner(request)
    return selectors.content_list_partner(partner=partner, query=q[:100], kind=kind[:20])

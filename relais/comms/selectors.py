"""Reads of the communications domain, brand- and partner-scoped (``*_get`` raises 404, ``*_find`` None)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from relais.accounts.models import PARTNER_ROLES, User
from relais.comms.kinds import KINDS
from relais.comms.models import (
    BounceReport,
    BouncingAddress,
    ContentEvent,
    ContentItem,
    Delivery,
    EmailFrequency,
    Message,
    MessageKind,
    NotificationPreference,
)
from relais.core.models import Brand
from relais.network.models import PartnerCompany, SegmentMembership
from relais.sellout.models import Declaration

# --- recipients -------------------------------------------------------------------------------------------


def campaign_recipients(*, message: Message) -> QuerySet[User]:
    """The active partner users a campaign reaches now: its brand's active partners, then each targeting
    field that is set (segments by their open memberships at this moment, kinds, countries, roles)."""
    users = User.objects.filter(
        is_active=True,
        brand_id=message.brand_id,
        role__in=list(PARTNER_ROLES),
        partner__brand_id=message.brand_id,
        partner__is_active=True,
    )
    segment_ids = list(message.segments.values_list("pk", flat=True))
    if segment_ids:
        users = users.filter(
            Exists(
                SegmentMembership.objects.filter(
                    partner_id=OuterRef("partner_id"), segment_id__in=segment_ids, valid_to__isnull=True
                )
            )
        )
    if message.partner_kinds:
        users = users.filter(partner__kind__in=message.partner_kinds)
    if message.countries:
        users = users.filter(partner__country__in=[c.upper() for c in message.countries])
    if message.roles:
        users = users.filter(role__in=message.roles)
    return users.order_by("pk")


def preferences_of(*, user_ids: list[int], kind: str) -> dict[int, NotificationPreference]:
    """The saved preferences of these users for one kind (users without one get the kind's default)."""
    rows = NotificationPreference.objects.filter(user_id__in=user_ids, kind=kind)
    return {row.user_id: row for row in rows}


def preference_list(*, user: User) -> list[dict[str, Any]]:
    """Every kind with the user's choice (or its default), in catalogue order, for the preferences page."""
    saved = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    rows = []
    for code, kind in KINDS.items():
        pref = saved.get(code)
        rows.append(
            {
                "kind": code,
                "label": kind.label,
                "category": kind.category,
                "in_portal": pref.in_portal if pref else kind.in_portal,
                "by_email": pref.by_email if pref else kind.by_email,
                "email_frequency": pref.email_frequency if pref else EmailFrequency.IMMEDIATE,
            }
        )
    return rows


def address_bounce_find(*, email: str) -> BouncingAddress | None:
    """The bounce record of an address (compared in lower case), or None when it never bounced."""
    return BouncingAddress.objects.filter(email=email.lower()).first() if email else None


def campaign_bounced(*, message: Message, limit: int = 200) -> list[dict[str, Any]]:
    """The recipients of a campaign whose e-mail bounced or failed: partner, address, what the server said
    (the last bounce report of the delivery, else the error recorded when sending)."""
    rows = (
        message.deliveries.filter(
            email_status__in=[Delivery.EmailStatus.BOUNCED, Delivery.EmailStatus.FAILED]
        )
        .select_related("user", "partner")
        .order_by("partner__name", "user__email")[:limit]
    )
    reports = {
        r.delivery_id: r
        for r in BounceReport.objects.filter(delivery__message=message).order_by("created_at")
    }
    return [
        {
            "partner": d.partner,
            "email": d.user.email,
            "status": d.get_email_status_display(),
            "kind": reports[d.pk].get_kind_display() if d.pk in reports else "",
            "detail": (reports[d.pk].status + " " + reports[d.pk].diagnostic).strip()
            if d.pk in reports
            else d.email_error,
        }
        for d in rows
    ]


# --- inbox ------------------------------------------------------------------------------------------------


def inbox_list(*, user: User) -> QuerySet[Delivery]:
    """The user's portal inbox, newest first (their own deliveries only)."""
    return (
        Delivery.objects.filter(user=user, in_portal=True, brand=user.brand)
        .select_related("message")
        .order_by("-created_at", "-pk")
    )


def inbox_unread_count(*, user: User) -> int:
    return Delivery.objects.filter(user=user, in_portal=True, read_at__isnull=True).count()


def delivery_get(*, user: User, delivery_id: int) -> Delivery:
    """One inbox entry of ``user``; another user's is a 404."""
    delivery = inbox_list(user=user).filter(pk=delivery_id).first()
    if delivery is None:
        raise Http404
    return delivery


# --- campaigns (brand side) -------------------------------------------------------------------------------


def campaign_list(*, brand: Brand) -> QuerySet[Message]:
    """The brand's campaigns with their figures: recipients, e-mails sent, read, sales-aid downloads."""
    return (
        Message.objects.filter(brand=brand)
        .exclude(kind=MessageKind.NOTIFICATION)
        .annotate(
            sent_count=Count("deliveries", filter=Q(deliveries__email_status=Delivery.EmailStatus.SENT)),
            read_count=Count("deliveries", filter=Q(deliveries__read_at__isnull=False)),
        )
        .order_by("-created_at")
    )


def campaign_get(*, brand: Brand, message_id: int) -> Message:
    message = (
        Message.objects.filter(brand=brand, pk=message_id).exclude(kind=MessageKind.NOTIFICATION).first()
    )
    if message is None:
        raise Http404
    return message


def campaign_figures(*, message: Message) -> dict[str, int]:
    """Recipients, e-mails sent / failed or bounced / pending, read, and downloads of its sales aids."""
    counts = message.deliveries.aggregate(
        recipients=Count("pk"),
        sent=Count("pk", filter=Q(email_status=Delivery.EmailStatus.SENT)),
        failed=Count(
            "pk", filter=Q(email_status__in=[Delivery.EmailStatus.FAILED, Delivery.EmailStatus.BOUNCED])
        ),
        # Still to go out: to send, waiting for a digest, or claimed by a batch being sent.
        pending=Count(
            "pk",
            filter=Q(
                email_status__in=[
                    Delivery.EmailStatus.PENDING,
                    Delivery.EmailStatus.DIGEST,
                    Delivery.EmailStatus.SENDING,
                ]
            ),
        ),
        read=Count("pk", filter=Q(read_at__isnull=False)),
    )
    counts["downloads"] = ContentEvent.objects.filter(
        message=message, kind=ContentEvent.Kind.DOWNLOAD
    ).count()
    return {key: int(value or 0) for key, value in counts.items()}


def messages_due(*, now: dt.datetime | None = None) -> QuerySet[Message]:
    """Scheduled campaigns whose time has come (the periodic dispatcher)."""
    return Message.objects.filter(status=Message.Status.SCHEDULED, scheduled_at__lte=now or timezone.now())


# --- content library --------------------------------------------------------------------------------------


def content_list_brand(*, brand: Brand) -> QuerySet[ContentItem]:
    """The brand's whole library (every status) with its view and download counts."""
    return (
        ContentItem.objects.filter(brand=brand)
        .select_related("current_version")
        .annotate(
            view_count=Count("events", filter=Q(events__kind=ContentEvent.Kind.VIEW)),
            download_count=Count("events", filter=Q(events__kind=ContentEvent.Kind.DOWNLOAD)),
        )
    )


def content_get_brand(*, brand: Brand, item_id: int) -> ContentItem:
    item = ContentItem.objects.filter(brand=brand, pk=item_id).select_related("current_version").first()
    if item is None:
        raise Http404
    return item


def content_list_partner(
    *,
    partner: PartnerCompany,
    language: str = "",
    query: str = "",
    kind: str = "",
    today: dt.date | None = None,
) -> QuerySet[ContentItem]:
    """What a partner may see: an approved version, not withdrawn, valid today, in its segments now (or untargeted), in ``language``
    (or for every language) when given; searched in title and description."""
    today = today or timezone.localdate()
    # An approved version stays visible while its successor awaits approval (status pending).
    items = ContentItem.objects.filter(
        brand_id=partner.brand_id,
        status__in=[ContentItem.Status.PUBLISHED, ContentItem.Status.PENDING],
        current_version__isnull=False,
    ).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=today),
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
    )
    targeted = ContentItem.segments.through.objects.filter(contentitem_id=OuterRef("pk"))
    member = ContentItem.segments.through.objects.filter(
        contentitem_id=OuterRef("pk"),
        segment_id__in=SegmentMembership.objects.filter(partner=partner, valid_to__isnull=True).values(
            "segment_id"
        ),
    )
    items = items.filter(~Exists(targeted) | Exists(member))
    if language:
        items = items.filter(Q(language="") | Q(language=language))
    if kind:
        items = items.filter(kind=kind)
    if query:
        items = items.filter(Q(title__icontains=query) | Q(description__icontains=query))
    return items.select_related("current_version").order_by("-approved_at", "-pk")


def content_get_partner(*, partner: PartnerCompany, item_id: int) -> ContentItem:
    """One sales aid the partner may see; anything else (another brand's, unpublished, outside its
    segments or dates) is a 404."""
    item = content_list_partner(partner=partner).filter(pk=item_id).first()
    if item is None:
        raise Http404
    return item


def content_counts_by_partner(*, item: ContentItem) -> list[Any]:
    """Views and downloads of one sales aid per partner (the brand's figures)."""
    return list(
        ContentEvent.objects.filter(item=item)
        .values("partner_id", "partner__name")
        .annotate(
            views=Count("pk", filter=Q(kind=ContentEvent.Kind.VIEW)),
            downloads=Count("pk", filter=Q(kind=ContentEvent.Kind.DOWNLOAD)),
        )
        .order_by("-downloads", "partner__name")
    )


def reminder_outcomes(*, brand: Brand, limit: int = 6) -> list[dict[str, Any]]:
    """Per declaration reminder or last call sent: the partners reminded, and how many of them then
    declared that month by its deadline (a first look at the reminders' effect on coverage)."""
    rows = []
    messages = Message.objects.filter(
        brand=brand, code__in=["declaration_reminder", "declaration_last_call"], sent_at__isnull=False
    ).order_by("-created_at")[:limit]
    for message in messages:
        start = dt.date.fromisoformat(message.params["period_month"])
        deadline = dt.date.fromisoformat(message.params["deadline_on"])
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        partner_ids = set(message.deliveries.values_list("partner_id", flat=True)) - {None}
        cutoff = dt.datetime.combine(
            deadline + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone()
        )
        declared = (
            Declaration.objects.filter(
                brand=brand,
                partner_id__in=partner_ids,
                period_start__lte=end,
                period_end__gte=start,
                submitted_at__gte=message.created_at,
                submitted_at__lt=cutoff,
            )
            .exclude(status=Declaration.Status.DRAFT)
            .values("partner_id")
            .distinct()
            .count()
        )
        rows.append(
            {
                "message": message,
                "month": start,
                "deadline": deadline,
                "reminded": len(partner_ids),
                "declared": declared,
            }
        )
    return rows

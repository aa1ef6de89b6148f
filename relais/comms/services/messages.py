"""Writes of campaigns, notifications, inbox reads and preferences."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.accounts.models import PARTNER_ROLES, User
from relais.comms.kinds import KINDS, MARKETING
from relais.comms.models import (
    Category,
    ContentItem,
    Delivery,
    EmailFrequency,
    Message,
    MessageKind,
    NotificationPreference,
)
from relais.comms.services.sending import deliveries_insert
from relais.core.errors import ApplicationError
from relais.core.jobs import job_enqueue
from relais.core.models import Brand
from relais.network.models import PartnerKind, Segment

SEND_JOB_KIND = "comms_send"
CAMPAIGN_KINDS = {MessageKind.ANNOUNCEMENT, MessageKind.NEWSLETTER}


def _targeting_clean(*, brand: Brand, fields: Mapping[str, Any]) -> dict[str, Any]:
    kinds = [k for k in fields.get("partner_kinds") or [] if k]
    if any(k not in PartnerKind.values for k in kinds):
        raise ApplicationError(_("Unknown partner kind."))
    roles = [r for r in fields.get("roles") or [] if r]
    if any(r not in PARTNER_ROLES for r in roles):
        raise ApplicationError(_("Only partner roles can be targeted."))
    countries = sorted({c.strip().upper() for c in fields.get("countries") or [] if c.strip()})
    if any(len(c) != 2 or not c.isalpha() for c in countries):
        raise ApplicationError(_("Countries are two-letter codes (FR, BE...)."))
    return {"partner_kinds": kinds, "roles": roles, "countries": countries}


def _campaign_fields_clean(*, fields: Mapping[str, Any]) -> None:
    if fields.get("kind") not in CAMPAIGN_KINDS:
        raise ApplicationError(_("A campaign is an announcement or a newsletter."))
    if fields.get("category") not in Category.values:
        raise ApplicationError(_("Choose whether the campaign is transactional or marketing."))
    if not (fields.get("subject_en") or fields.get("subject_fr")):
        raise ApplicationError(_("Write a subject in at least one language."))
    if not (fields.get("body_en") or fields.get("body_fr")):
        raise ApplicationError(_("Write the text in at least one language."))


@transaction.atomic
def campaign_save(
    *,
    brand: Brand,
    user: User,
    fields: Mapping[str, Any],
    segments: Sequence[Segment] = (),
    content_items: Sequence[ContentItem] = (),
    message: Message | None = None,
) -> Message:
    """Create a campaign (or edit one not yet sent): texts in English and French, targeting (segments,
    partner kinds, countries, roles; empty means everyone) and the sales aids it links to."""
    _campaign_fields_clean(fields=fields)
    targeting = _targeting_clean(brand=brand, fields=fields)
    if any(s.brand_id != brand.pk for s in segments) or any(c.brand_id != brand.pk for c in content_items):
        raise ApplicationError(_("Unknown segment or sales aid."))
    if message is None:
        message = Message(brand=brand, created_by=user)
    elif message.brand_id != brand.pk or message.status not in {
        Message.Status.DRAFT,
        Message.Status.SCHEDULED,
    }:
        raise ApplicationError(_("A campaign already sent cannot be changed."))
    for name in ("kind", "category", "subject_en", "subject_fr", "body_en", "body_fr"):
        setattr(message, name, fields.get(name) or "")
    for name, value in targeting.items():
        setattr(message, name, value)
    message.save()
    message.segments.set(segments)
    message.content_items.set(content_items)
    return message


@transaction.atomic
def campaign_schedule(*, message: Message, at: dt.datetime | None) -> Message:
    """Send a campaign now (``at`` None or past) or at ``at`` (the periodic dispatcher picks it up)."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.status not in {Message.Status.DRAFT, Message.Status.SCHEDULED}:
        raise ApplicationError(_("This campaign was already sent."))
    now = timezone.now()
    if at is not None and at > now:
        message.status, message.scheduled_at = Message.Status.SCHEDULED, at
        message.save(update_fields=["status", "scheduled_at", "updated_at"])
        return message
    message.status, message.scheduled_at = Message.Status.SENDING, now
    message.save(update_fields=["status", "scheduled_at", "updated_at"])
    job_enqueue(kind=SEND_JOB_KIND, payload={"message_id": message.pk}, brand=message.brand, created_by=None)
    return message


def campaigns_dispatch_due(*, now: dt.datetime | None = None) -> int:
    """Start every scheduled campaign whose time has come; returns how many (the periodic task)."""
    due = Message.objects.filter(status=Message.Status.SCHEDULED, scheduled_at__lte=now or timezone.now())
    started = 0
    for message in due:
        campaign_schedule(message=message, at=None)
        started += 1
    return started


@transaction.atomic
def notification_send(
    *, brand: Brand, kind: str, users: Iterable[User], params: Mapping[str, Any]
) -> Message | None:
    """Notify ``users`` (of ``brand``) of one event: a message with the kind's code and params, rendered
    in each reader's language, in the portal and by e-mail as each one chose; sent after commit."""
    if kind not in KINDS or kind in {MARKETING, "announcement"}:
        raise ValueError(f"unknown notification kind {kind!r}")
    recipients = [
        (u.pk, u.partner_id, u.preferred_language) for u in users if u.is_active and u.brand_id == brand.pk
    ]
    if not recipients:
        return None
    message = Message.objects.create(
        brand=brand,
        kind=MessageKind.NOTIFICATION,
        category=KINDS[kind].category,
        code=kind,
        params=dict(params),
        status=Message.Status.SENDING,
        recipients_resolved_at=timezone.now(),
    )
    message.recipient_count = deliveries_insert(message=message, recipients=recipients)
    message.save(update_fields=["recipient_count"])
    job_enqueue(kind=SEND_JOB_KIND, payload={"message_id": message.pk}, brand=brand)
    return message


def delivery_mark_read(*, delivery: Delivery) -> Delivery:
    """Record the read receipt of an inbox entry (the first read only)."""
    if delivery.read_at is None:
        now = timezone.now()
        Delivery.objects.filter(pk=delivery.pk, read_at__isnull=True).update(read_at=now)
        delivery.read_at = now
    return delivery


def deliveries_mark_all_read(*, user: User) -> int:
    """Mark every unread entry of the user's inbox read."""
    return Delivery.objects.filter(user=user, in_portal=True, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def preference_set(
    *,
    user: User,
    kind: str,
    in_portal: bool,
    by_email: bool,
    email_frequency: str = EmailFrequency.IMMEDIATE,
) -> NotificationPreference:
    """Save a user's choice for one kind of message: in the portal, by e-mail, and whether the e-mails
    come one by one or gathered in a daily or weekly digest."""
    if kind not in KINDS:
        raise ApplicationError(_("Unknown kind of message."))
    if email_frequency not in EmailFrequency.values:
        raise ApplicationError(_("Choose at once, a daily digest or a weekly digest."))
    pref, _created = NotificationPreference.objects.update_or_create(
        user=user,
        kind=kind,
        defaults={"in_portal": in_portal, "by_email": by_email, "email_frequency": email_frequency},
    )
    return pref


def marketing_unsubscribe(*, user: User) -> NotificationPreference:
    """The unsubscribe link of a marketing e-mail: no more newsletters by e-mail (still in the portal)."""
    current = NotificationPreference.objects.filter(user=user, kind=MARKETING).first()
    return preference_set(
        user=user,
        kind=MARKETING,
        in_portal=current.in_portal if current else True,
        by_email=False,
        email_frequency=current.email_frequency if current else EmailFrequency.IMMEDIATE,
    )

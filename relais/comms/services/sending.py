"""Delivering a message: its deliveries (one per recipient, inserted once), then its e-mails.

Idempotency: ``Delivery`` is unique per (message, user), so inserting recipients again changes nothing,
and ``emails_send`` only sends deliveries still ``pending``. Each is marked sent in its own short
transaction (autocommit: the job holds no transaction) right after the SMTP server accepted it, so a job
killed half-way and run again sends the other half only. The window left is one e-mail: killed between the
server's accept and the UPDATE, that one recipient gets it twice; the opposite choice (mark, then send)
would lose it instead.

Batches of ``RELAIS_COMMS_EMAIL_BATCH`` deliveries are read with their user in one query over one SMTP
connection (``get_connection()``, opened once for the job), paced at ``RELAIS_COMMS_EMAILS_PER_SECOND``.
Per batch: one SELECT, one UPDATE per e-mail, one progress write — the same count at every batch.
A recipient the server refuses is recorded ``failed`` with the server's answer and the others go on; a
lost connection fails the job (the rest stays pending for the retry). Later bounces are recorded by
``delivery_bounce_record`` (each e-mail carries its delivery id in ``X-Relais-Delivery``).
"""

from __future__ import annotations

import smtplib
import time
from collections.abc import Iterable
from itertools import islice
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from relais.comms.kinds import KINDS, kind_of_message
from relais.comms.models import Category, Delivery, Message
from relais.comms.rendering import Rendered, language_of, message_render
from relais.comms.selectors import campaign_recipients, preferences_of
from relais.core.jobs import job_progress
from relais.core.models import Job

UNSUBSCRIBE_SALT = "relais.comms.unsubscribe"
INSERT_CHUNK = 1000

# (user id, partner id, preferred language) of a recipient.
Recipient = tuple[int, int | None, str]


def _batched(items: Iterable[Recipient], size: int) -> Iterable[tuple[Recipient, ...]]:
    iterator = iter(items)
    while chunk := tuple(islice(iterator, size)):
        yield chunk


def base_url() -> str:
    return (getattr(settings, "RELAIS_BASE_URL", "") or "http://127.0.0.1:8000").rstrip("/")


def unsubscribe_token(*, user_id: int) -> str:
    """The signed token of a marketing e-mail's unsubscribe link (no login needed, cannot be forged)."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(user_id))


def unsubscribe_user_id(*, token: str) -> int | None:
    """The user id a token was signed for, or None when it was tampered with."""
    try:
        value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def deliveries_insert(*, message: Message, recipients: Iterable[Recipient]) -> int:
    """Insert the deliveries of ``recipients`` (conflicts ignored: a recipient is inserted once), each by
    the recipient's preferences for the message's kind; returns how many rows were offered."""
    kind = kind_of_message(code=message.code, category=message.category)
    default = KINDS[kind]
    offered = 0
    for chunk in _batched(recipients, INSERT_CHUNK):
        prefs = preferences_of(user_ids=[user_id for user_id, _p, _l in chunk], kind=kind)
        rows = []
        for user_id, partner_id, preferred in chunk:
            pref = prefs.get(user_id)
            in_portal = pref.in_portal if pref else default.in_portal
            by_email = pref.by_email if pref else default.by_email
            if not (in_portal or by_email):
                continue
            rows.append(
                Delivery(
                    brand_id=message.brand_id,
                    message=message,
                    user_id=user_id,
                    partner_id=partner_id,
                    language=language_of(preferred),
                    in_portal=in_portal,
                    email_status=Delivery.EmailStatus.PENDING if by_email else Delivery.EmailStatus.SKIPPED,
                )
            )
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
        offered += len(rows)
    return offered


@transaction.atomic
def recipients_resolve(*, message: Message) -> int:
    """Fix a campaign's recipients now (segment membership at this moment), once; returns their count."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.recipients_resolved_at is None:
        recipients = campaign_recipients(message=message).values_list(
            "pk", "partner_id", "preferred_language"
        )
        deliveries_insert(message=message, recipients=recipients.iterator(chunk_size=2000))
        message.recipient_count = message.deliveries.count()
        message.recipients_resolved_at = timezone.now()
        message.save(update_fields=["recipient_count", "recipients_resolved_at", "updated_at"])
    return message.recipient_count


class _Pacer:
    """At most ``rate`` e-mails per second (0: no limit), sleeping only when ahead of the rate."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.next_at = time.monotonic()

    def wait(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        if self.next_at > now:
            time.sleep(self.next_at - now)
        self.next_at = max(self.next_at, now) + self.interval


def email_build(
    *, delivery: Delivery, rendered: Rendered, message: Message, connection: Any
) -> EmailMultiAlternatives:
    """The e-mail of one delivery, in its language: text and HTML parts, the link to the message in the
    portal, and for marketing only the signed unsubscribe link (also as List-Unsubscribe headers)."""
    root = base_url()
    context: dict[str, Any] = {
        "rendered": rendered,
        "brand_name": message.brand.name,
        "inbox_url": root + reverse("comms:inbox_detail", args=[delivery.pk]),
        "unsubscribe_url": "",
    }
    headers = {"X-Relais-Delivery": str(delivery.pk)}
    if message.category == Category.MARKETING:
        url = root + reverse("comms:unsubscribe", args=[unsubscribe_token(user_id=delivery.user_id)])
        context["unsubscribe_url"] = url
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    with translation.override(delivery.language):
        text = render_to_string("comms/emails/message.txt", context)
        html = render_to_string("comms/emails/message.html", context)
    email = EmailMultiAlternatives(
        subject=rendered.subject, body=text, to=[delivery.user.email], headers=headers, connection=connection
    )
    email.attach_alternative(html, "text/html")
    return email


def emails_send(*, message: Message, job: Job | None = None) -> dict[str, int]:
    """Send the message's pending e-mails (see the module docstring); returns sent / failed counts."""
    batch_size = max(1, int(settings.RELAIS_COMMS_EMAIL_BATCH))
    pacer = _Pacer(float(settings.RELAIS_COMMS_EMAILS_PER_SECOND))
    pending = Delivery.objects.filter(message=message, email_status=Delivery.EmailStatus.PENDING)
    total = pending.count()
    renders: dict[str, Rendered] = {}
    sent = failed = 0
    last_pk = 0
    connection = get_connection()
    connection.open()
    try:
        while rows := list(pending.filter(pk__gt=last_pk).select_related("user").order_by("pk")[:batch_size]):
            for delivery in rows:
                pacer.wait()
                if delivery.language not in renders:
                    renders[delivery.language] = message_render(message=message, language=delivery.language)
                email = email_build(
                    delivery=delivery,
                    rendered=renders[delivery.language],
                    message=message,
                    connection=connection,
                )
                try:
                    email.send()
                except smtplib.SMTPRecipientsRefused as exc:
                    _delivery_failed(delivery=delivery, error=str(exc.recipients))
                    failed += 1
                    continue
                Delivery.objects.filter(pk=delivery.pk, email_status=Delivery.EmailStatus.PENDING).update(
                    email_status=Delivery.EmailStatus.SENT, email_sent_at=timezone.now()
                )
                sent += 1
            last_pk = rows[-1].pk
            if job is not None:
                job_progress(job, done=sent + failed, total=total)
    finally:
        connection.close()
    return {"sent": sent, "failed": failed}


def _delivery_failed(*, delivery: Delivery, error: str) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        email_status=Delivery.EmailStatus.FAILED, email_error=error[:500]
    )


def message_deliver(*, message: Message, job: Job | None = None) -> dict[str, int]:
    """The sending job's work: fix a campaign's recipients if not yet done, send the pending e-mails,
    then mark the message sent. Safe to run again: nothing already sent is sent twice."""
    if not message.code:
        recipients_resolve(message=message)
    result = emails_send(message=message, job=job)
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENT, sent_at=message.sent_at or timezone.now(), updated_at=timezone.now()
    )
    return {**result, "recipients": message.deliveries.count()}


def delivery_bounce_record(*, delivery_id: int, reason: str) -> bool:
    """Record that a sent e-mail bounced (from the bounce processor, by its ``X-Relais-Delivery`` id)."""
    return bool(
        Delivery.objects.filter(pk=delivery_id)
        .exclude(email_status=Delivery.EmailStatus.SKIPPED)
        .update(email_status=Delivery.EmailStatus.BOUNCED, email_error=reason[:500])
    )

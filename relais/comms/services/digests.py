"""Digests: one e-mail per user and period (a day or a week) gathering the notifications they chose to
receive that way, in their language.

A delivery of a kind the user reads as a digest is inserted ``digest`` (with its frequency) instead of
``pending``; ``digests_send`` gathers, for each user, those created before the period's end. Never twice:
the ``Digest`` row is unique per (user, frequency, period) and is created with its deliveries claimed
(``sending``) in one committed transaction before the e-mail goes out; a second run of the period finds the
row and builds nothing. A run killed between the claim and the server's answer leaves digests
``sending``: the next run records them failed (``interrupted``) and never sends them again. Users are taken
``RELAIS_COMMS_EMAIL_BATCH`` at a time over one reused SMTP connection, one transaction each side of a
batch's sending.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from relais.accounts.models import User
from relais.comms.branding import LOGO_CID, Logo, brand_logo, email_logo_attach
from relais.comms.models import Delivery, Digest, EmailFrequency, Message
from relais.comms.rendering import Rendered, language_of, message_render
from relais.comms.services.sending import INTERRUPTED, base_url, suppressed_addresses
from relais.core.models import Brand


def digest_period(*, frequency: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """(first day, day after the last) of the period whose digest goes out on ``today``: yesterday for a
    daily digest, last week (Monday to Sunday) for a weekly one."""
    if frequency == EmailFrequency.DAILY:
        return today - dt.timedelta(days=1), today
    if frequency == EmailFrequency.WEEKLY:
        monday = today - dt.timedelta(days=today.weekday())
        return monday - dt.timedelta(days=7), monday
    raise ValueError(f"no digest for {frequency!r}")


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _interrupted_record(*, brand: Brand) -> int:
    """Digests a killed run left ``sending``: failed, with their deliveries, never sent again."""
    stale = Digest.objects.filter(brand=brand, status=Digest.Status.SENDING)
    ids = list(stale.values_list("pk", flat=True))
    if ids:
        Delivery.objects.filter(digest_id__in=ids, email_status=Delivery.EmailStatus.SENDING).update(
            email_status=Delivery.EmailStatus.FAILED, email_error=INTERRUPTED
        )
        Digest.objects.filter(pk__in=ids).update(status=Digest.Status.FAILED, error=INTERRUPTED)
    return len(ids)


@transaction.atomic
def _claim(
    *, brand: Brand, user_ids: list[int], frequency: str, start: dt.date, end: dt.date
) -> list[Digest]:
    """Create the digests of these users for the period (those not yet made) and claim their deliveries."""
    done = set(
        Digest.objects.filter(user_id__in=user_ids, frequency=frequency, period_start=start).values_list(
            "user_id", flat=True
        )
    )
    users = User.objects.filter(pk__in=[pk for pk in user_ids if pk not in done]).only(
        "pk", "preferred_language"
    )
    Digest.objects.bulk_create(
        [
            Digest(
                brand=brand,
                user_id=user.pk,
                frequency=frequency,
                period_start=start,
                language=language_of(user.preferred_language),
            )
            for user in users
        ],
        ignore_conflicts=True,
    )
    digests = list(
        Digest.objects.filter(
            brand=brand,
            user_id__in=[u.pk for u in users],
            frequency=frequency,
            period_start=start,
            status=Digest.Status.SENDING,
        ).select_related("user")
    )
    Delivery.objects.filter(
        brand=brand,
        user_id__in=[d.user_id for d in digests],
        email_status=Delivery.EmailStatus.DIGEST,
        email_digest=frequency,
        created_at__lt=_midnight(end),
    ).update(
        email_status=Delivery.EmailStatus.SENDING,
        digest_id=Subquery(
            Digest.objects.filter(
                user_id=OuterRef("user_id"), frequency=frequency, period_start=start
            ).values("pk")[:1]
        ),
    )
    return digests


def digest_email(
    *,
    digest: Digest,
    entries: list[tuple[Delivery, Rendered]],
    brand: Brand,
    connection: Any,
    logo: Logo | None = None,
) -> EmailMultiAlternatives:
    """The digest e-mail: each notification's subject and text with its link in the inbox, in the
    digest's language, headed by the brand's logo when it has one."""
    root = base_url()
    with translation.override(digest.language):
        subject = ngettext(
            "%(count)s notification from %(brand)s", "%(count)s notifications from %(brand)s", len(entries)
        ) % {"count": len(entries), "brand": brand.name}
        context = {
            "subject": subject,
            "brand_name": brand.name,
            "logo_cid": LOGO_CID if logo is not None else "",
            "entries": [
                {"rendered": rendered, "url": root + reverse("comms:inbox_detail", args=[delivery.pk])}
                for delivery, rendered in entries
            ],
            "inbox_url": root + reverse("comms:inbox"),
            "preferences_url": root + reverse("comms:preferences"),
        }
        text = render_to_string("comms/emails/digest.txt", context)
        html = render_to_string("comms/emails/digest.html", context)
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[digest.user.email],
        headers={"X-Relais-Digest": str(digest.pk)},
        connection=connection,
    )
    email.attach_alternative(html, "text/html")
    if logo is not None:
        email_logo_attach(email, logo)
    return email


def _finish(*, sent: list[int], failed: dict[int, str]) -> None:
    now = timezone.now()
    with transaction.atomic():
        if sent:
            Digest.objects.filter(pk__in=sent).update(status=Digest.Status.SENT, sent_at=now)
            Delivery.objects.filter(digest_id__in=sent, email_status=Delivery.EmailStatus.SENDING).update(
                email_status=Delivery.EmailStatus.SENT, email_sent_at=now
            )
        for pk, error in failed.items():
            Digest.objects.filter(pk=pk).update(status=Digest.Status.FAILED, error=error[:500])
            Delivery.objects.filter(digest_id=pk, email_status=Delivery.EmailStatus.SENDING).update(
                email_status=Delivery.EmailStatus.FAILED, email_error=error[:500]
            )


def _send_batch(
    *, brand: Brand, digests: list[Digest], connection: Any, logo: Logo | None
) -> tuple[list[int], dict[int, str]]:
    rows = Delivery.objects.filter(digest__in=digests).select_related("message").order_by("created_at", "pk")
    by_digest: dict[int, list[Delivery]] = defaultdict(list)
    for delivery in rows:
        assert delivery.digest_id is not None  # filtered on it
        by_digest[delivery.digest_id].append(delivery)
    bouncing = suppressed_addresses(emails=[d.user.email for d in digests])
    renders: dict[tuple[int, str], Rendered] = {}
    sent: list[int] = []
    failed: dict[int, str] = {}

    def rendered(message: Message, language: str) -> Rendered:
        key = (message.pk, language)
        if key not in renders:
            renders[key] = message_render(message=message, language=language)
        return renders[key]

    for digest in digests:
        deliveries = by_digest.get(digest.pk, [])
        if not deliveries or digest.user.email.lower() in bouncing:
            failed[digest.pk] = "nothing to send" if not deliveries else "address suppressed after bounces"
            continue
        entries = [(d, rendered(d.message, digest.language)) for d in deliveries]
        try:
            digest_email(digest=digest, entries=entries, brand=brand, connection=connection, logo=logo).send()
        except smtplib.SMTPRecipientsRefused as exc:
            failed[digest.pk] = str(exc.recipients)
            continue
        sent.append(digest.pk)
    return sent, failed


def digests_send(*, brand: Brand, frequency: str, today: dt.date | None = None) -> dict[str, int]:
    """Send the brand's digests of ``frequency`` for the period that ended before ``today``: one e-mail per
    user with their notifications waiting for it; returns the digests sent, failed and interrupted."""
    today = today or timezone.localdate()
    start, end = digest_period(frequency=frequency, today=today)
    counts = {"sent": 0, "failed": 0, "interrupted": _interrupted_record(brand=brand)}
    user_ids = list(
        Delivery.objects.filter(
            brand=brand,
            email_status=Delivery.EmailStatus.DIGEST,
            email_digest=frequency,
            created_at__lt=_midnight(end),
        )
        .values_list("user_id", flat=True)
        .distinct()
        .order_by("user_id")
    )
    size = max(1, int(settings.RELAIS_COMMS_EMAIL_BATCH))
    logo = brand_logo(brand=brand)
    connection = get_connection()
    connection.open()
    try:
        for offset in range(0, len(user_ids), size):
            digests = _claim(
                brand=brand,
                user_ids=user_ids[offset : offset + size],
                frequency=frequency,
                start=start,
                end=end,
            )
            sent, failed = _send_batch(brand=brand, digests=digests, connection=connection, logo=logo)
            _finish(sent=sent, failed=failed)
            counts["sent"] += len(sent)
            counts["failed"] += len(failed)
    finally:
        connection.close()
    return counts

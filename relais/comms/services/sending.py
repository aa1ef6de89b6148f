"""Delivering a message: its deliveries (one per recipient, inserted once), then its e-mails.

Idempotency: ``Delivery`` is unique per (message, user), so inserting recipients again changes nothing,
and ``emails_send`` only sends deliveries still ``pending``.

Batches of ``RELAIS_COMMS_EMAIL_BATCH`` (200) deliveries over one reused SMTP connection
(``get_connection()``, opened once for the job), paced at ``RELAIS_COMMS_EMAILS_PER_SECOND``. A batch is
first claimed (``sending``, with the claimer's name and time) and committed; then each delivery's outcome is
written as it happens, each write its own commit: ``email_attempted_at`` just before its e-mail is handed to
the server, ``sent`` once the server accepted it (``failed`` with the answer when it refused it).

So a job killed half-way and run again (the queue redelivers it; or any sender, once the claim is older
than ``CLAIM_STALE_AFTER``) sends exactly what the server had not accepted: the claimed deliveries never
attempted go back to ``pending`` and are sent, the sent ones are not touched. The one delivery that was in
the middle of its exchange when the process died (attempted, no answer recorded) is recorded ``failed``
(``interrupted``) and never sent again, since the server may have accepted it: at most one e-mail per kill,
visible on the campaign. An exchange that fails with an exception (a dropped connection, a 4xx) was not
accepted (smtplib raises before or instead of the 250): that delivery and the rest of the batch are released
at once and the job fails, to be retried.

Per batch: the claim (one SELECT, one UPDATE), the read of the claimed rows with their users, the
addresses suppressed after bounces (``BouncingAddress``), one progress write, and two UPDATEs per e-mail
(attempted, then its outcome): the same count at every batch of the same size. Measured in
``bench/campaign.py``: the price of recording each e-mail as it goes instead of once per batch. A
recipient whose address bounces is not sent to (``bounced``). Later bounces are read from the delivery status notifications by ``relais.comms.services.bounces`` (each
e-mail carries its delivery id in ``X-Relais-Delivery``).
"""

from __future__ import annotations

import smtplib
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from itertools import islice
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from relais.comms.branding import LOGO_CID, Logo, brand_logo, email_logo_attach
from relais.comms.kinds import KINDS, kind_of_message
from relais.comms.models import BouncingAddress, Category, Delivery, EmailFrequency, Message
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
            frequency = pref.email_frequency if pref else EmailFrequency.IMMEDIATE
            if not (in_portal or by_email):
                continue
            status = Delivery.EmailStatus.SKIPPED
            if by_email:
                digested = frequency != EmailFrequency.IMMEDIATE
                status = Delivery.EmailStatus.DIGEST if digested else Delivery.EmailStatus.PENDING
            rows.append(
                Delivery(
                    brand_id=message.brand_id,
                    message=message,
                    user_id=user_id,
                    partner_id=partner_id,
                    language=language_of(preferred),
                    in_portal=in_portal,
                    email_status=status,
                    email_digest=frequency if status == Delivery.EmailStatus.DIGEST else "",
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
    *, delivery: Delivery, rendered: Rendered, message: Message, connection: Any, logo: Logo | None = None
) -> EmailMultiAlternatives:
    """The e-mail of one delivery, in its language: text and HTML parts (headed by the brand's logo when it
    has one), the link to the message in the portal, and for marketing only the signed unsubscribe link
    (also as List-Unsubscribe headers)."""
    root = base_url()
    context: dict[str, Any] = {
        "rendered": rendered,
        "brand_name": message.brand.name,
        "logo_cid": LOGO_CID if logo is not None else "",
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
    if logo is not None:
        email_logo_attach(email, logo)
    return email


INTERRUPTED = "interrupted: the server's answer was not recorded, not sent again"
SUPPRESSED = "address suppressed after bounces"
# A claim older than this is a dead sender's (a live one finishes a batch of 200 at 20 per second in 10 s).
CLAIM_STALE_AFTER = timedelta(minutes=15)


def suppressed_addresses(*, emails: Iterable[str]) -> set[str]:
    """Which of these addresses (compared in lower case) bounced for good: no e-mail goes to them."""
    wanted = {address.lower() for address in emails if address}
    if not wanted:
        return set()
    return set(
        BouncingAddress.objects.filter(email__in=wanted, suppressed_at__isnull=False).values_list(
            "email", flat=True
        )
    )


def claims_recover(*, message: Message, claim: str) -> dict[str, int]:
    """Claims a killed sender left ``sending``: this claimer's own (the job delivered again) and anyone's
    claimed more than ``CLAIM_STALE_AFTER`` ago. Those never handed to the server go back to ``pending``
    (sent again by this run); the one in the middle of its exchange when the sender died (attempted, no
    answer recorded) is recorded ``failed``: the server may have accepted it, so it is not sent again."""
    stale = Q(email_claim=claim) | Q(email_claimed_at__lt=timezone.now() - CLAIM_STALE_AFTER)
    left = Delivery.objects.filter(message=message, email_status=Delivery.EmailStatus.SENDING).filter(stale)
    interrupted = left.filter(email_attempted_at__isnull=False).update(
        email_status=Delivery.EmailStatus.FAILED, email_error=INTERRUPTED
    )
    released = _release(left.filter(email_attempted_at__isnull=True))
    return {"interrupted": interrupted, "released": released}


def _release(deliveries: Any) -> int:
    """Claimed deliveries whose e-mail the server did not accept: claimable again."""
    return int(
        deliveries.update(
            email_status=Delivery.EmailStatus.PENDING,
            email_claim="",
            email_claimed_at=None,
            email_attempted_at=None,
        )
    )


def _batch_claim(*, message: Message, claim: str, size: int) -> list[Delivery]:
    """Claim the next ``size`` pending deliveries for ``claim`` and commit; returns them with their users."""
    with transaction.atomic():
        ids = list(
            Delivery.objects.filter(message=message, email_status=Delivery.EmailStatus.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        if not ids:
            return []
        # The status in the WHERE: of two claimers reading the same rows, each row goes to one.
        Delivery.objects.filter(pk__in=ids, email_status=Delivery.EmailStatus.PENDING).update(
            email_status=Delivery.EmailStatus.SENDING,
            email_claim=claim,
            email_claimed_at=timezone.now(),
            email_attempted_at=None,
        )
    return list(
        Delivery.objects.filter(pk__in=ids, email_status=Delivery.EmailStatus.SENDING, email_claim=claim)
        .select_related("user")
        .order_by("pk")
    )


class _Outcomes:
    """Each delivery's outcome written as it happens, each write its own commit (the sender runs outside
    any transaction): ``attempt`` just before the e-mail is handed to the server, ``sent`` / ``refused``
    on its answer, ``release`` when the exchange failed without an acceptance."""

    def __init__(self, claim: str) -> None:
        self.claim = claim
        self.counts = {"sent": 0, "failed": 0, "bounced": 0}

    def _mine(self, pk: int) -> Any:
        return Delivery.objects.filter(pk=pk, email_claim=self.claim)

    def attempt(self, pk: int) -> bool:
        """False when the claim is no longer this sender's (recovered as stale): then it does not send."""
        return bool(
            self._mine(pk)
            .filter(email_status=Delivery.EmailStatus.SENDING)
            .update(email_attempted_at=timezone.now())
        )

    def sent(self, pk: int) -> None:
        self._mine(pk).update(email_status=Delivery.EmailStatus.SENT, email_sent_at=timezone.now())
        self.counts["sent"] += 1

    def refused(self, pk: int, error: str) -> None:
        self._mine(pk).update(email_status=Delivery.EmailStatus.FAILED, email_error=error[:500])
        self.counts["failed"] += 1

    def suppressed(self, pks: list[int]) -> None:
        if pks:
            Delivery.objects.filter(pk__in=pks, email_claim=self.claim).update(
                email_status=Delivery.EmailStatus.BOUNCED, email_error=SUPPRESSED
            )
            self.counts["bounced"] += len(pks)

    def release(self, pks: list[int]) -> None:
        _release(
            Delivery.objects.filter(
                pk__in=pks, email_claim=self.claim, email_status=Delivery.EmailStatus.SENDING
            )
        )


def _refusal(exc: smtplib.SMTPException) -> str | None:
    """The server's refusal of this one e-mail (a recipient refused, or the message refused for good),
    or None when the exchange failed otherwise (a dropped connection, a temporary 4xx)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return str(exc.recipients)
    if isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code >= 500:
        return f"{exc.smtp_code} {exc.smtp_error!r}"
    return None


def _batch_send(
    rows: list[Delivery],
    *,
    outcomes: _Outcomes,
    build: Callable[[Delivery], EmailMultiAlternatives],
    pace: Callable[[], None],
) -> None:
    """Send each row, recording its outcome as the server answers. An exception from the exchange means
    the server did not accept that e-mail (smtplib raises before or instead of its 250): that row and the
    rest of the batch are released, then the exception goes up (the job fails and is retried)."""
    for index, delivery in enumerate(rows):
        pace()
        email = build(delivery)
        if not outcomes.attempt(delivery.pk):
            continue
        try:
            email.send()
        except smtplib.SMTPException as exc:
            refusal = _refusal(exc)
            if refusal is None:
                outcomes.release([d.pk for d in rows[index:]])
                raise
            outcomes.refused(delivery.pk, refusal)
            continue
        except Exception:
            outcomes.release([d.pk for d in rows[index:]])
            raise
        outcomes.sent(delivery.pk)


def emails_send(*, message: Message, job: Job | None = None) -> dict[str, int]:
    """Send the message's pending e-mails (see the module docstring); returns sent / failed counts."""
    batch_size = max(1, int(settings.RELAIS_COMMS_EMAIL_BATCH))
    pacer = _Pacer(float(settings.RELAIS_COMMS_EMAILS_PER_SECOND))
    claim = f"job:{job.pk}" if job is not None else "direct"
    recovered = claims_recover(message=message, claim=claim)
    total = Delivery.objects.filter(message=message, email_status=Delivery.EmailStatus.PENDING).count()
    renders: dict[str, Rendered] = {}
    outcomes = _Outcomes(claim)
    logo = brand_logo(brand=message.brand)
    connection = get_connection()

    def build(delivery: Delivery) -> EmailMultiAlternatives:
        if delivery.language not in renders:
            renders[delivery.language] = message_render(message=message, language=delivery.language)
        return email_build(
            delivery=delivery,
            rendered=renders[delivery.language],
            message=message,
            connection=connection,
            logo=logo,
        )

    connection.open()
    try:
        while rows := _batch_claim(message=message, claim=claim, size=batch_size):
            bouncing = suppressed_addresses(emails=[d.user.email for d in rows])
            suppressed = [d.pk for d in rows if d.user.email.lower() in bouncing]
            outcomes.suppressed(suppressed)
            to_send = [d for d in rows if d.pk not in set(suppressed)]
            _batch_send(to_send, outcomes=outcomes, build=build, pace=pacer.wait)
            if job is not None:
                job_progress(job, done=sum(outcomes.counts.values()), total=total)
    finally:
        connection.close()
    return {**outcomes.counts, **recovered}


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
    """Record that a sent e-mail bounced (the bounce processor, by its ``X-Relais-Delivery`` id)."""
    return bool(
        Delivery.objects.filter(pk=delivery_id)
        .exclude(email_status=Delivery.EmailStatus.SKIPPED)
        .update(email_status=Delivery.EmailStatus.BOUNCED, email_error=reason[:500])
    )

"""Bounces and complaints: the delivery status notifications (RFC 3464) and complaint reports (RFC 5965)
the mail servers send back, read from a maildir or an mbox with the standard ``email`` package.

Each recipient of a report is appended once as a ``BounceReport`` (keyed by the report's Message-ID and
the address, so reading the same folder again changes nothing). A hard bounce (``failed`` with a 5.x.x
status) suppresses the address at once; soft ones (``failed`` with 4.x.x, or ``delayed``) after
``SOFT_BOUNCE_LIMIT``. A suppressed address gets no e-mail any more (the sending skips it, ``bounced``);
its user sees it on the preferences page, and the brand on the campaign's bounced recipients. The
original e-mail's ``X-Relais-Delivery`` header, when the report quotes it and the address matches, marks
that delivery bounced. A complaint ("this is spam") turns the user's newsletters off by e-mail.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import mailbox
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message as EmailMessage
from email.parser import HeaderParser
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from relais.accounts.models import User
from relais.comms.models import BounceReport, BouncingAddress, Delivery
from relais.comms.services.messages import marketing_unsubscribe
from relais.comms.services.sending import delivery_bounce_record

SOFT_BOUNCE_LIMIT = 3


@dataclass(frozen=True)
class Bounce:
    """One recipient of one report, as read."""

    report_id: str
    email: str
    kind: str  # BounceReport.Kind
    status: str = ""
    diagnostic: str = ""
    delivery_id: int | None = None


def _address(value: str) -> str:
    """``rfc822; jo@example.test`` -> ``jo@example.test`` (lower case)."""
    return value.split(";", 1)[-1].strip().strip("<>").lower()


def _blocks(part: EmailMessage) -> list[EmailMessage]:
    """The header blocks of a ``message/*`` part (the parser reads each as a message)."""
    payload = part.get_payload()
    return (
        [block for block in payload if isinstance(block, EmailMessage)] if isinstance(payload, list) else []
    )


def _original_delivery_id(report: EmailMessage) -> int | None:
    for part in report.walk():
        kind = part.get_content_type()
        headers: EmailMessage | None = None
        if kind == "message/rfc822":
            headers = next(iter(_blocks(part)), None)
        elif kind == "text/rfc822-headers":
            raw = part.get_payload(decode=True)
            headers = HeaderParser().parsestr(
                raw.decode("utf-8", "replace") if isinstance(raw, bytes) else ""
            )
        if headers is not None and str(headers.get("X-Relais-Delivery", "")).strip().isdigit():
            return int(str(headers["X-Relais-Delivery"]).strip())
    return None


def _kind_of(action: str, status: str) -> str | None:
    if action == "failed":
        return BounceReport.Kind.HARD if status.startswith("5") else BounceReport.Kind.SOFT
    if action == "delayed":
        return BounceReport.Kind.SOFT
    return None  # delivered, relayed, expanded: not a bounce


def bounces_parse(raw: bytes) -> list[Bounce]:
    """The bounces and complaints one e-mail reports (empty when it is neither)."""
    report = email.message_from_bytes(raw, policy=email.policy.compat32)
    report_id = str(report.get("Message-ID", "")).strip() or hashlib.sha256(raw).hexdigest()
    delivery_id = _original_delivery_id(report)
    found: list[Bounce] = []
    for part in report.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            for block in _blocks(part)[1:]:  # the first block is about the message, the others per recipient
                recipient = block.get("Final-Recipient") or block.get("Original-Recipient") or ""
                status = str(block.get("Status", "")).strip()
                bounce_kind = _kind_of(str(block.get("Action", "")).strip().lower(), status)
                if recipient and bounce_kind:
                    address = _address(str(recipient))
                    found.append(
                        Bounce(
                            report_id=f"{report_id}|{address}"[:400],
                            email=address,
                            kind=bounce_kind,
                            status=status[:20],
                            diagnostic=" ".join(str(block.get("Diagnostic-Code", "")).split())[:500],
                            delivery_id=delivery_id,
                        )
                    )
        elif kind == "message/feedback-report" and _blocks(part):
            fields = _blocks(part)[0]
            recipient = fields.get("Original-Rcpt-To") or ""
            if recipient:
                address = _address(str(recipient))
                found.append(
                    Bounce(
                        report_id=f"{report_id}|{address}"[:400],
                        email=address,
                        kind=BounceReport.Kind.COMPLAINT,
                        status=str(fields.get("Feedback-Type", "abuse")).strip()[:20],
                        delivery_id=delivery_id,
                    )
                )
    return found


@transaction.atomic
def bounce_record(*, bounce: Bounce) -> bool:
    """Append one bounce or complaint (once per report and address) and move the address's state;
    returns False when this report was already read."""
    delivery = None
    if bounce.delivery_id is not None:
        delivery = Delivery.objects.filter(pk=bounce.delivery_id).select_related("user").first()
        if delivery is not None and delivery.user.email.lower() != bounce.email:
            delivery = None  # a report naming another address does not get to mark this delivery
    _report, created = BounceReport.objects.get_or_create(
        report_id=bounce.report_id,
        defaults={
            "email": bounce.email,
            "kind": bounce.kind,
            "status": bounce.status,
            "diagnostic": bounce.diagnostic,
            "delivery": delivery,
        },
    )
    if not created:
        return False
    if bounce.kind == BounceReport.Kind.COMPLAINT:
        for user in User.objects.filter(email__iexact=bounce.email, is_active=True):
            marketing_unsubscribe(user=user)
        return True
    BouncingAddress.objects.get_or_create(email=bounce.email)
    address = BouncingAddress.objects.select_for_update().get(email=bounce.email)
    now = timezone.now()
    if bounce.kind == BounceReport.Kind.HARD:
        address.hard_bounces += 1
    else:
        address.soft_bounces += 1
    address.last_status, address.last_diagnostic, address.last_bounced_at = (
        bounce.status,
        bounce.diagnostic,
        now,
    )
    if address.suppressed_at is None and (
        address.hard_bounces > 0 or address.soft_bounces >= SOFT_BOUNCE_LIMIT
    ):
        address.suppressed_at = now
    address.save()
    if delivery is not None:
        delivery_bounce_record(delivery_id=delivery.pk, reason=f"{bounce.status} {bounce.diagnostic}".strip())
    return True


def address_bounce_clear(*, user: User) -> bool:
    """The user says their address works again: e-mails go to it again (a new bounce suppresses it anew)."""
    return bool(
        BouncingAddress.objects.filter(email=user.email.lower()).update(
            suppressed_at=None, hard_bounces=0, soft_bounces=0
        )
    )


def _folder_messages(path: Path) -> Iterator[bytes]:
    if path.is_dir():
        box: mailbox.Mailbox = mailbox.Maildir(path, factory=None, create=False)
    else:
        box = mailbox.mbox(path, create=False)
    for key in box.iterkeys():
        yield box.get_bytes(key)


def bounces_process_folder(*, path: Path) -> dict[str, int]:
    """Read every e-mail of a maildir (a directory) or an mbox (a file): the reports found, recorded and
    already known."""
    counts = {"emails": 0, "bounces": 0, "recorded": 0}
    for raw in _folder_messages(path):
        counts["emails"] += 1
        for bounce in bounces_parse(raw):
            counts["bounces"] += 1
            counts["recorded"] += int(bounce_record(bounce=bounce))
    return counts

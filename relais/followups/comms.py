"""What partners are told when something happens to them elsewhere: the notifications of communications.

The domains that decide (the sell-out review, incentives: challenges, points, orders) say nothing of who is
told; the follow-up workflows call these functions after their service, explicitly. Each one picks the
recipients (the partner's active users, or the user who placed an order) and calls
``relais.comms.services.notification_send`` with the kind's code and JSON params: the text is rendered in
each reader's language when read, and sent by e-mail after commit as each user chose.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db.models import Exists, OuterRef

from relais.accounts.models import PARTNER_ROLES, User
from relais.comms.models import Message
from relais.comms.services import notification_send
from relais.core.models import Brand
from relais.incentives.models import Challenge, RedemptionOrder
from relais.network.models import PartnerCompany, SegmentMembership
from relais.sellout.models import Declaration
from relais.sellout.review import ReviewOutcome


def partner_recipients(*, partners: Iterable[PartnerCompany] | None = None, brand: Brand) -> list[User]:
    """The active users of ``partners`` (of ``brand``; every active partner when None)."""
    users = User.objects.filter(
        brand=brand,
        is_active=True,
        role__in=list(PARTNER_ROLES),
        partner__is_active=True,
        partner__brand=brand,
    )
    if partners is not None:
        users = users.filter(partner__in=[p.pk for p in partners])
    return list(users.order_by("pk"))


def declaration_reviewed(*, declaration: Declaration, reason_codes: Sequence[str] = ()) -> Message | None:
    """Tell the partner its declaration was reviewed: lines accepted and rejected, and the rejection
    reasons (review reason codes, rendered in the reader's language)."""
    return notification_send(
        brand=declaration.brand,
        kind="declaration_reviewed",
        users=partner_recipients(partners=[declaration.partner], brand=declaration.brand),
        params={
            "declaration_id": declaration.pk,
            "period_start_on": declaration.period_start.isoformat(),
            "period_end_on": declaration.period_end.isoformat(),
            "accepted": declaration.lines_accepted,
            "rejected": declaration.lines_rejected,
            "reasons": list(dict.fromkeys(reason_codes)),
        },
    )


def lines_reviewed(*, outcome: ReviewOutcome, approve: bool, reason_code: str) -> list[Message]:
    """After the brand's review of flagged lines: one notice per declaration that changed (the reason only
    when lines were rejected)."""
    sent = []
    for declaration in outcome.declarations:
        message = declaration_reviewed(
            declaration=declaration, reason_codes=() if approve else (reason_code,)
        )
        if message is not None:
            sent.append(message)
    return sent


def points_posted(*, partner: PartnerCompany, points: int, reason: str) -> Message | None:
    """Points were posted to the partner's account (``reason``: what earned them, e.g. the challenge)."""
    return notification_send(
        brand=partner.brand,
        kind="points_posted",
        users=partner_recipients(partners=[partner], brand=partner.brand),
        params={"points": points, "reason": reason},
    )


def points_available(*, partner: PartnerCompany, points: int) -> Message | None:
    """Held points became spendable."""
    return notification_send(
        brand=partner.brand,
        kind="points_available",
        users=partner_recipients(partners=[partner], brand=partner.brand),
        params={"points": points},
    )


def points_expiring(*, partner: PartnerCompany, points: int, expires_on: dt.date) -> Message | None:
    """Points of the partner's balance expire soon."""
    return notification_send(
        brand=partner.brand,
        kind="points_expiring",
        users=partner_recipients(partners=[partner], brand=partner.brand),
        params={"points": points, "expires_on": expires_on.isoformat()},
    )


def _order_recipients(order: RedemptionOrder) -> list[User]:
    if order.user is not None and order.user.is_active:
        return [order.user]
    return partner_recipients(partners=[order.partner], brand=order.partner.brand)


def order_approved(*, order: RedemptionOrder) -> Message | None:
    """The brand approved a reward order: tell who placed it (else the partner's users)."""
    return notification_send(
        brand=order.partner.brand,
        kind="order_approved",
        users=_order_recipients(order),
        params={"order": f"#{order.pk}", "order_id": order.pk},
    )


def order_shipped(*, order: RedemptionOrder) -> Message | None:
    """A reward order shipped."""
    return notification_send(
        brand=order.partner.brand,
        kind="order_shipped",
        users=_order_recipients(order),
        params={"order": f"#{order.pk}", "order_id": order.pk},
    )


def challenge_launched(*, challenge: Challenge) -> Message | None:
    """A challenge starts: tell the eligible partners (its segments' members now; every partner without)."""
    partners = PartnerCompany.objects.filter(brand=challenge.brand, is_active=True)
    segment_ids = list(challenge.segments.values_list("pk", flat=True))
    if segment_ids:
        partners = partners.filter(
            Exists(
                SegmentMembership.objects.filter(
                    partner_id=OuterRef("pk"), segment_id__in=segment_ids, valid_to__isnull=True
                )
            )
        )
    return notification_send(
        brand=challenge.brand,
        kind="challenge_launched",
        users=partner_recipients(partners=list(partners), brand=challenge.brand),
        params={
            "challenge": challenge.name,
            "challenge_id": challenge.pk,
            "starts_on": challenge.period_start.isoformat(),
            "ends_on": challenge.period_end.isoformat(),
        },
    )

"""The brand's review of flagged lines, and what follows it: the lines approved count (rollups, points), the
lines rejected never pay. Also the review queue as the brand's page reads it: the flagged lines and partners
of sell-out, with what is at stake in points (incentives), most at stake first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from relais.followups import comms
from relais.followups.declarations import declaration_counted
from relais.incentives.stakes import lines_points_at_stake, partners_pending_points
from relais.sellout import review
from relais.sellout.models import Declaration, DeclarationLine
from relais.sellout.review_queue import (
    ReviewQueueFilter,
    SuspiciousPartner,
    review_queue_lines,
    review_queue_partners,
)

if TYPE_CHECKING:
    from relais.accounts.models import User
    from relais.core.models import Brand

# The queue is ranked in memory by points then amount: flagged lines are a few per cent of a brand's lines,
# and the first QUEUE_MAX by amount are those a reviewer gets to; the page says when there are more.
QUEUE_MAX = 1000


@transaction.atomic
def lines_review(
    *,
    brand: Brand,
    line_ids: Iterable[int],
    approve: bool,
    reason_code: str,
    user: User,
    note: str = "",
) -> review.ReviewOutcome:
    """Approve or reject flagged lines in one transaction (``relais.sellout.review.lines_review``), then
    every submitted declaration whose lines changed counts again: its rollups and points are recomputed by
    jobs run after commit. An approved line earns its points and enters the analytics; a rejected line never
    pays (it earned nothing while flagged). Idempotent: lines already reviewed are skipped, and a review
    that decided nothing enqueues nothing."""
    outcome = review.lines_review(
        brand=brand, line_ids=line_ids, approve=approve, reason_code=reason_code, user=user, note=note
    )
    for declaration in outcome.declarations:
        if declaration.status != Declaration.Status.DRAFT:
            declaration_counted(declaration=declaration)
    comms.lines_reviewed(outcome=outcome, approve=approve, reason_code=reason_code)
    return outcome


@dataclass(frozen=True)
class QueueLine:
    line: DeclarationLine
    points: int


@dataclass(frozen=True)
class QueuePartner:
    partner: SuspiciousPartner
    pending_points: int


@dataclass(frozen=True)
class ReviewQueue:
    lines: list[QueueLine]
    partners: list[QueuePartner]
    total: int
    amount: Decimal
    points: int
    truncated: bool


def review_queue(*, brand: Brand, criteria: ReviewQueueFilter) -> ReviewQueue:
    """The brand's review queue: flagged lines ranked by the points they would earn if approved, then by
    amount; suspicious partners ranked by their points not spendable yet, then by the amount flagged."""
    lines_qs = review_queue_lines(brand=brand, criteria=criteria)
    lines = list(lines_qs[: QUEUE_MAX + 1])
    truncated = len(lines) > QUEUE_MAX
    lines = lines[:QUEUE_MAX]
    points = lines_points_at_stake(brand=brand, lines=lines)
    ranked = sorted(
        (QueueLine(line=line, points=points.get(line.pk, 0)) for line in lines),
        key=lambda item: (-item.points, -item.line.amount, item.line.pk),
    )
    suspicious = review_queue_partners(brand=brand, criteria=criteria)
    pending = partners_pending_points(brand=brand, partner_ids=[p.partner_id for p in suspicious])
    partners = sorted(
        (QueuePartner(partner=p, pending_points=pending.get(p.partner_id, 0)) for p in suspicious),
        key=lambda item: (-item.pending_points, -item.partner.amount, item.partner.partner_id),
    )
    return ReviewQueue(
        lines=ranked,
        partners=partners,
        total=lines_qs.count() if truncated else len(lines),
        amount=sum((item.line.amount for item in ranked), Decimal(0)),
        points=sum(item.points for item in ranked),
        truncated=truncated,
    )

"""What is at stake in the brand's review of flagged sell-out lines, in points: reads only.

- ``lines_points_at_stake``: what each flagged line would earn in the brand's running challenges if the brand
  approved it (the current rules, the line's challenge period and the partner's eligibility; budget caps
  left aside, so it is an upper bound);
- ``partners_pending_points``: the points each partner holds that cannot be spent yet (provisional, or held
  by the holding period or until reconciliation), what a rejection during the holding would reverse.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q, Sum
from django.utils import timezone

from relais.core.models import Brand
from relais.incentives.models import Challenge, PointsEntry
from relais.incentives.rules import challenge_eligible_partners, score_line
from relais.sellout.models import DeclarationLine


def lines_points_at_stake(*, brand: Brand, lines: Iterable[DeclarationLine]) -> dict[int, int]:
    """Per line id: the points the line would earn once approved (0 when no running challenge covers it).

    A few queries per running challenge (its rules, its eligible partners among the lines'), whatever the
    number of lines. ``lines`` need ``product`` loaded (its family).
    """
    lines = list(lines)
    challenges = list(Challenge.objects.filter(brand=brand, status=Challenge.Status.RUNNING))
    partner_ids = {line.partner_id for line in lines}
    points = dict.fromkeys((line.pk for line in lines), 0)
    for challenge in challenges:
        rules = list(challenge.rules.filter(is_current=True))
        eligible = set(
            challenge_eligible_partners(challenge=challenge)
            .filter(pk__in=partner_ids)
            .values_list("pk", flat=True)
        )
        for line in lines:
            in_period = challenge.period_start <= line.sale_date <= challenge.period_end
            if line.brand_id != brand.pk or not in_period or line.partner_id not in eligible:
                continue
            row = {
                "id": line.pk,
                "status": DeclarationLine.Status.ACCEPTED,  # as if approved
                "quantity": line.quantity,
                "amount": line.amount,
                "channel": line.channel,
                "gtin": line.gtin,
                "family": line.product.family,
            }
            points[line.pk] += sum(award.points for award in score_line(rules, row))
    return points


def partners_pending_points(
    *, brand: Brand, partner_ids: Iterable[int], now: datetime | None = None
) -> dict[int, int]:
    """Per partner id: the points of its lots not spendable yet (provisional or held), what is left of them."""
    now = now or timezone.now()
    pending = (
        Q(status=PointsEntry.Status.PROVISIONAL) | Q(awaits_reconciliation=True) | Q(available_at__gt=now)
    )
    rows = (
        PointsEntry.objects.filter(pending, brand=brand, partner_id__in=list(partner_ids), amount__gt=0)
        .filter(remaining__gt=0)
        .values("partner_id")
        .annotate(total=Sum("remaining"))
        .order_by()
    )
    return {row["partner_id"]: int(row["total"] or 0) for row in rows}

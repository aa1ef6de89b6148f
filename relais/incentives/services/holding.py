"""Holding earned points when the reconciliation of a partner's period finds its sell-out inconsistent.

The counterpart of ``points_release`` (``relais.incentives.services.ledger``): the reconciliation follow-up
(``relais.followups.reconciliation``) holds the points of an inconsistent period and releases those of a
consistent one. Lots are never changed in amount: only their holding moves.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.incentives import locks
from relais.incentives.models import PointsEntry
from relais.network.models import PartnerCompany


def period_lots_q(*, period_start: date, period_end: date) -> Q:
    """Lots of a sales period: their declaration's period ends in it (a lot without declaration: its
    challenge's), the rule ``points_release`` applies."""
    return Q(declaration__period_end__gte=period_start, declaration__period_end__lte=period_end) | Q(
        declaration__isnull=True,
        challenge__period_end__gte=period_start,
        challenge__period_end__lte=period_end,
    )


@transaction.atomic
def points_hold_pending(
    *,
    brand: Brand,
    partner: PartnerCompany,
    period_start: date,
    period_end: date,
    now: datetime | None = None,
) -> int:
    """Hold until reconciliation the lots of ``partner``'s period that cannot be spent yet (provisional, or
    still in their holding period); returns the points held. Lots already spendable stay so: what a partner
    could spend is never taken back by a hold (a rejection reverses with its own entry).

    Repeatable: lots already held are left as they are. ``points_release`` frees them once the period
    reconciles. Takes the partner's account locks, in id order.
    """
    if period_end < period_start:
        raise ApplicationError(_("The period ends before it starts."))
    now = now or timezone.now()
    pending = PointsEntry.objects.filter(
        period_lots_q(period_start=period_start, period_end=period_end),
        brand=brand,
        partner=partner,
        amount__gt=0,
        remaining__gt=0,
        awaits_reconciliation=False,
    ).filter(Q(status=PointsEntry.Status.PROVISIONAL) | Q(available_at__gt=now))
    held = 0
    for account_id in sorted(set(pending.values_list("account_id", flat=True))):
        locks.lock_account_by_id(account_id)
        lots = list(pending.filter(account_id=account_id).values_list("pk", "remaining"))
        held += sum(remaining for _pk, remaining in lots)
        PointsEntry.objects.filter(pk__in=[pk for pk, _r in lots]).update(awaits_reconciliation=True)
    return held

"""What the ledger did, told to the partners: points posted, points that became spendable, points about to
expire — one notification per partner and kind each run, never one per line.

The ledger (incentives) posts points in its scoring job, frees them when their holding period ends (read
from each lot's ``available_at``, no job runs then) or when the reconciliation releases them, and expires
them on their date; it says nothing of who is told, and comms may not read it (siblings). So this
follow-up reads the ledger after the fact, from a cursor per brand and kind (``comms.NoticeCursor``), in
one transaction holding the cursor's row lock, which makes each lot told of once:

- **posted**: earn lots with an id past the cursor (created at least ``SETTLE`` ago, so a scoring
  transaction still open cannot commit a lower id behind the cursor), summed per partner, without those
  already reversed; the reason is the challenges' names;
- **available**: confirmed lots with something left whose ``available_at`` passed since the last run (the
  end of a holding period, or a release by the reconciliation, which sets it to its time);
- **expiring**: confirmed lots with something left expiring within ``EXPIRING_WITHIN_DAYS`` days that were
  not yet in that horizon at the last run (or were posted since), per partner with the soonest date.

Run by the ``followups_points_notices`` job of every brand (``manage.py notify_points`` from cron, or the
Celery task ``relais.followups.points_notices``, hourly or daily). The first run of a brand looks back one
day only, so a new deployment does not tell the whole history.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Min, Q, Sum
from django.utils import timezone

from relais.comms.models import NoticeCursor
from relais.core.models import Brand
from relais.followups import comms
from relais.incentives.models import PointsEntry
from relais.network.models import PartnerCompany

EXPIRING_WITHIN_DAYS = 14
SETTLE = dt.timedelta(minutes=2)
FIRST_LOOK_BACK = dt.timedelta(days=1)


def _cursor(brand: Brand, key: str) -> NoticeCursor:
    NoticeCursor.objects.get_or_create(brand=brand, key=key)
    return NoticeCursor.objects.select_for_update().get(brand=brand, key=key)


def _partners(brand: Brand, ids: set[int]) -> dict[int, PartnerCompany]:
    return {
        p.pk: p
        for p in PartnerCompany.objects.filter(brand=brand, pk__in=ids, is_active=True).select_related(
            "brand"
        )
    }


def _posted(brand: Brand, now: dt.datetime) -> int:
    cursor = _cursor(brand, "points_posted")
    earned = PointsEntry.objects.filter(
        brand=brand, kind=PointsEntry.Kind.EARN, amount__gt=0, created_at__lte=now - SETTLE
    )
    if cursor.moment is None:  # first run: the last day only
        earned = earned.filter(created_at__gte=now - FIRST_LOOK_BACK)
    fresh = earned.filter(pk__gt=cursor.position)
    last = fresh.order_by("-pk").values_list("pk", flat=True).first()
    if last is None:
        cursor.moment = now
        cursor.save(update_fields=["moment", "updated_at"])
        return 0
    fresh = fresh.filter(pk__lte=last)
    totals = dict(
        fresh.filter(reversals__isnull=True)
        .values_list("partner_id")
        .annotate(points=Sum("amount"))
        .order_by()
    )
    names: dict[int, list[str]] = defaultdict(list)
    for partner_id, name in (
        fresh.filter(challenge__isnull=False)
        .values_list("partner_id", "challenge__name")
        .distinct()
        .order_by()
    ):
        names[partner_id].append(name)
    told = 0
    for partner_id, partner in sorted(_partners(brand, set(totals)).items()):
        if totals[partner_id] > 0:
            comms.points_posted(
                partner=partner, points=int(totals[partner_id]), reason=", ".join(sorted(names[partner_id]))
            )
            told += 1
    cursor.position, cursor.moment = last, now
    cursor.save(update_fields=["position", "moment", "updated_at"])
    return told


def _spendable_lots(brand: Brand) -> Q:
    return Q(brand=brand, amount__gt=0, remaining__gt=0, status=PointsEntry.Status.CONFIRMED)


def _available(brand: Brand, now: dt.datetime) -> int:
    cursor = _cursor(brand, "points_available")
    since = cursor.moment or now - FIRST_LOOK_BACK
    freed = PointsEntry.objects.filter(
        _spendable_lots(brand), awaits_reconciliation=False, available_at__gt=since, available_at__lte=now
    )
    totals = dict(freed.values_list("partner_id").annotate(points=Sum("remaining")).order_by())
    told = 0
    for partner_id, partner in sorted(_partners(brand, set(totals)).items()):
        comms.points_available(partner=partner, points=int(totals[partner_id]))
        told += 1
    cursor.moment = now
    cursor.save(update_fields=["moment", "updated_at"])
    return told


def _expiring(brand: Brand, now: dt.datetime, within_days: int) -> int:
    cursor = _cursor(brand, "points_expiring")
    horizon = now + dt.timedelta(days=within_days)
    lots = PointsEntry.objects.filter(_spendable_lots(brand), expires_at__gt=now, expires_at__lte=horizon)
    if cursor.moment is not None:
        # Each lot once: those that entered the horizon since the last run, and those posted since.
        previous_horizon = cursor.moment + dt.timedelta(days=cursor.position or within_days)
        lots = lots.filter(Q(expires_at__gt=previous_horizon) | Q(created_at__gt=cursor.moment))
    rows = lots.values("partner_id").annotate(points=Sum("remaining"), first=Min("expires_at")).order_by()
    by_partner = {row["partner_id"]: row for row in rows}
    told = 0
    for partner_id, partner in sorted(_partners(brand, set(by_partner)).items()):
        row = by_partner[partner_id]
        comms.points_expiring(
            partner=partner, points=int(row["points"]), expires_on=timezone.localdate(row["first"])
        )
        told += 1
    cursor.position, cursor.moment = within_days, now
    cursor.save(update_fields=["position", "moment", "updated_at"])
    return told


@transaction.atomic
def points_notices_send(
    *, brand: Brand, now: dt.datetime | None = None, expiring_within_days: int = EXPIRING_WITHIN_DAYS
) -> dict[str, int]:
    """Tell each partner of the brand what the ledger did since the last run (module docstring); returns
    how many partners were told, per kind. Repeatable: a second run tells nothing already told."""
    now = now or timezone.now()
    return {
        "points_posted": _posted(brand, now),
        "points_available": _available(brand, now),
        "points_expiring": _expiring(brand, now, expiring_within_days),
    }

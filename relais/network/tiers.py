"""Potential and activity tiers of partners: high, medium or low by tertiles within the brand.

The rule (both tiers): partners without a value (no potential, no sell-out in the last 12 months) are "none";
the others are ranked by value and cut in thirds. Each partner is placed by the middle of its rank among
equal values, so equal values always share a tier: with values 10, 20, 30 the tiers are low, medium, high;
a single partner, or partners that all have the same value, are medium.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Expression
from django.utils import timezone

from relais.core.models import Brand
from relais.network.models import PartnerCompany, Tier

_CHUNK = 2000


def tertile_tiers(values: dict[int, Decimal | None]) -> dict[int, str]:
    """Tier of each key by tertile of its value; keys whose value is None or not positive get "none"."""
    ranked = {key: value for key, value in values.items() if value is not None and value > 0}
    tiers = {key: str(Tier.NONE) for key in values if key not in ranked}
    n = len(ranked)
    if not n:
        return tiers
    counts = Counter(ranked.values())
    below = 0
    less_than: dict[Decimal, int] = {}
    for value in sorted(counts):
        less_than[value] = below
        below += counts[value]
    for key, value in ranked.items():
        # Mid-rank percentile p = (less + equal/2) / n, compared with 1/3 and 2/3 in integers.
        mid = 2 * less_than[value] + counts[value]
        if 3 * mid < 2 * n:
            tiers[key] = str(Tier.LOW)
        elif 3 * mid < 4 * n:
            tiers[key] = str(Tier.MEDIUM)
        else:
            tiers[key] = str(Tier.HIGH)
    return tiers


def _update_grouped(pks_by_value: dict[Any, list[int]], field: str, now: datetime) -> None:
    """One UPDATE per distinct new value (and per chunk of ids): a handful of statements, not one per row."""
    for value, pks in pks_by_value.items():
        for start in range(0, len(pks), _CHUNK):
            PartnerCompany.objects.filter(pk__in=pks[start : start + _CHUNK]).update(
                **{field: value, "updated_at": now}
            )


@transaction.atomic
def partner_tiers_recompute(
    *, brand: Brand, activity_amounts: Mapping[int, Decimal], activity_amount_expression: Expression
) -> dict[str, int]:
    """Recompute ``potential_tier``, ``activity_amount_12m`` and ``activity_tier`` of the brand's partners.

    Potential tiers rank the declared annual potentials; activity tiers rank the accepted sell-out of the
    last 12 months, given by the sell-out domain (``relais.sellout.selectors.partner_activity_amounts`` and
    ``partner_activity_amount_expression``, the same sum per partner as a subquery on "pk"), so the network
    never reads sell-out itself. Only partners whose values changed are written, with
    set-based UPDATEs (one per tier value; the amounts with one correlated subquery), so the cost does not
    grow with one query per partner. Returns how many partners were examined and how many changed. Segment
    memberships are not touched here: callers recompute them afterwards when they need to.
    """
    amounts = activity_amounts
    partners = list(
        PartnerCompany.objects.select_for_update()
        .filter(brand=brand)
        .only("pk", "potential", "potential_tier", "activity_amount_12m", "activity_tier")
    )
    potential_tiers = tertile_tiers({p.pk: p.potential for p in partners})
    activity_tiers = tertile_tiers({p.pk: amounts.get(p.pk) for p in partners})
    now = timezone.now()
    changed: set[int] = set()
    potential_moves: dict[str, list[int]] = defaultdict(list)
    activity_moves: dict[str, list[int]] = defaultdict(list)
    amounts_moved = False
    for partner in partners:
        if potential_tiers[partner.pk] != partner.potential_tier:
            potential_moves[potential_tiers[partner.pk]].append(partner.pk)
            changed.add(partner.pk)
        if activity_tiers[partner.pk] != partner.activity_tier:
            activity_moves[activity_tiers[partner.pk]].append(partner.pk)
            changed.add(partner.pk)
        if amounts.get(partner.pk, Decimal(0)) != partner.activity_amount_12m:
            amounts_moved = True
            changed.add(partner.pk)
    if amounts_moved:
        PartnerCompany.objects.filter(brand=brand).update(activity_amount_12m=activity_amount_expression)
    _update_grouped(potential_moves, "potential_tier", now)
    _update_grouped(activity_moves, "activity_tier", now)
    return {"partners": len(partners), "changed": len(changed)}

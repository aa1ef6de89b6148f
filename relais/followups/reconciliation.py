"""After the reconciliation of a month (sell-in, sell-out, stock): the points of each partner follow.

A partner whose sell-out does not reconcile (a gap over the tolerance on any of its products) has the points
of that period that cannot be spent yet held until it does (``points_hold_pending``); a partner whose every
product reconciles (all gaps known and within the tolerance) has them released (``points_release``). A
partner without stock reports for some product cannot be said to reconcile: nothing moves for it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from relais.core.models import Brand
from relais.incentives.services import points_release
from relais.incentives.services.holding import points_hold_pending
from relais.network.models import PartnerCompany
from relais.sellout.reconciliation import ReconciliationRow, reconciliation_rows


@dataclass
class ReconciliationOutcome:
    """Per partner code: the points released (consistent) or held (inconsistent); the partners left as they
    were because a stock is missing."""

    released: dict[str, int] = field(default_factory=dict)
    held: dict[str, int] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)


def partner_verdicts(rows: list[ReconciliationRow]) -> dict[int, bool | None]:
    """Per partner id: False when any product is flagged, True when every gap is known and within the
    tolerance, None when some stock is missing (and nothing is flagged)."""
    by_partner: dict[int, list[ReconciliationRow]] = defaultdict(list)
    for row in rows:
        by_partner[row.partner_id].append(row)
    verdicts: dict[int, bool | None] = {}
    for partner_id, partner_rows in by_partner.items():
        if any(row.flagged for row in partner_rows):
            verdicts[partner_id] = False
        elif all(row.gap is not None for row in partner_rows):
            verdicts[partner_id] = True
        else:
            verdicts[partner_id] = None
    return verdicts


@transaction.atomic
def reconciliation_apply(
    *,
    brand: Brand,
    period_start: dt.date,
    period_end: dt.date,
    partner: PartnerCompany | None = None,
    scope: Q | None = None,
) -> ReconciliationOutcome:
    """Reconcile the brand's period (one partner when given, a channel manager's partners when ``scope`` is)
    and move each partner's points by its verdict.

    Repeatable: a second run holds or releases only what changed since. Partners are taken in id order (each
    takes its accounts' locks in id order), the ledger's lock order.
    """
    rows = reconciliation_rows(
        brand=brand, period_start=period_start, period_end=period_end, partner=partner, scope=scope
    )
    verdicts = partner_verdicts(rows)
    partners = PartnerCompany.objects.filter(brand=brand, pk__in=list(verdicts)).order_by("pk")
    outcome = ReconciliationOutcome()
    for company in partners:
        verdict = verdicts[company.pk]
        if verdict is None:
            outcome.unknown.append(company.code)
        elif verdict:
            outcome.released[company.code] = points_release(
                brand=brand, partner=company, period_start=period_start, period_end=period_end
            )
        else:
            outcome.held[company.code] = points_hold_pending(
                brand=brand, partner=company, period_start=period_start, period_end=period_end
            )
    return outcome

"""The return of a co-funded marketing activity: the partner's sell-out over the activity's months against
comparable partners that ran no co-funded activity then, with the measure of ``relais.insights.effect``
(through ``challenge_impact.intervention_effect``, the same panel and matching as a challenge).

One partner is a panel of one: the measure refuses honestly ("not measurable") when there are too few
participants, and while the activity is running or its declarations are still due. The cost is the amount
paid for the activity (a point worth one unit of the brand's currency).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum
from django.utils import timezone

from relais.funds.models import EntryKind, FundEntry, FundRequest
from relais.insights.effect import EffectOptions
from relais.insights.selectors.challenge_impact import InterventionEffect, intervention_effect
from relais.network.models import PartnerCompany


def fund_activity_impact(
    *, request: FundRequest, today: dt.date | None = None, options: EffectOptions | None = None
) -> InterventionEffect | None:
    """What the activity of an approved request changed for its partner (None while it is only asked for,
    refused or cancelled): participants are the partner, candidates the brand's other active partners of the
    same sales channel without a co-funded activity over the same dates."""
    if request.status not in (
        FundRequest.Status.APPROVED,
        FundRequest.Status.PARTIAL,
        FundRequest.Status.CLOSED,
    ):
        return None
    busy = set(
        FundRequest.objects.filter(
            brand_id=request.brand_id,
            status__in=(FundRequest.Status.APPROVED, FundRequest.Status.PARTIAL, FundRequest.Status.CLOSED),
            starts_on__lte=request.ends_on,
            ends_on__gte=request.starts_on,
        ).values_list("partner_id", flat=True)
    )
    partner = request.partner
    candidates = set(
        PartnerCompany.objects.filter(brand_id=request.brand_id, is_active=True, channel=partner.channel)
        .exclude(pk__in=busy)
        .values_list("pk", flat=True)
    )
    paid = FundEntry.objects.filter(request=request, kind=EntryKind.PAYMENT).aggregate(t=Sum("amount"))["t"]
    return intervention_effect(
        brand=request.brand,
        partner_ids={partner.pk},
        candidates=candidates,
        window_start=request.starts_on,
        window_end=request.ends_on,
        today=today or timezone.localdate(),
        points=int(paid or 0),
        options=options,
    )

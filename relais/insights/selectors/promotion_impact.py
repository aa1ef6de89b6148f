"""What a seasonal promotion changed, measured as a challenge's effect is (``challenge_impact``).

Participants are the promotion's eligible active partners (promotions' own rule: the members of its
segments during its dates, or everyone); candidates are the brand's other active partners. A promotion for
the whole network has no one to compare with: the measure refuses (``no_candidates``) and says so. The
cost is the points the promotion credited (extra points and bonus rewards).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from relais.insights.effect import EffectOptions, EffectPanel, NotMeasurable
from relais.insights.periods import month_start
from relais.insights.selectors.challenge_impact import (
    InterventionEffect,
    intervention_effect,
    intervention_panel,
)
from relais.network.models import PartnerCompany
from relais.promotions.models import Promotion, PromotionStatus
from relais.promotions.rules import promotion_eligible_partners
from relais.promotions.selectors import promotion_points_total

MEASURED_STATUSES = (PromotionStatus.PUBLISHED, PromotionStatus.CLOSED)


def promotion_impact(
    *, promotion: Promotion, today: dt.date | None = None, options: EffectOptions | None = None
) -> InterventionEffect:
    """What the promotion changed for its eligible partners over its dates, against comparable others."""
    active = set(
        PartnerCompany.objects.filter(brand_id=promotion.brand_id, is_active=True).values_list(
            "pk", flat=True
        )
    )
    participants = active & set(promotion_eligible_partners(promotion=promotion).values_list("pk", flat=True))
    today = today or timezone.localdate()
    points = promotion_points_total(promotion=promotion)
    candidates = active - participants
    panel = intervention_panel(
        brand=promotion.brand,
        partner_ids=participants,
        candidates=candidates,
        window_start=promotion.start,
        window_end=promotion.end,
        today=today,
    )
    if isinstance(panel, EffectPanel) and not any(p.participant for p in panel.partners):
        # No eligible partner has figures in any month: the measure has nobody to measure (it would raise).
        return InterventionEffect(
            outcome=NotMeasurable(
                "too_few_participants", {"participants": 0, "required": EffectOptions().min_participants}
            ),
            cost=None,
            points=points,
            currency=promotion.brand.currency,
            first_month=month_start(promotion.start),
            last_month=month_start(promotion.end),
            participants=len(participants),
            candidates=len(candidates),
        )
    return intervention_effect(
        brand=promotion.brand,
        partner_ids=participants,
        candidates=candidates,
        window_start=promotion.start,
        window_end=promotion.end,
        today=today,
        points=points,
        options=options,
    )


def promotion_impact_find(
    *, promotion: Promotion, today: dt.date | None = None, options: EffectOptions | None = None
) -> InterventionEffect | None:
    """``promotion_impact`` of a published or closed promotion that has started; None otherwise."""
    today = today or timezone.localdate()
    if promotion.status not in MEASURED_STATUSES or promotion.start > today:
        return None
    return promotion_impact(promotion=promotion, today=today, options=options)

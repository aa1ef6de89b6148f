"""After the network changes: tiers from the sell-out, then segment memberships, then the summary tables."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from relais.core.models import Brand
from relais.network.services import segment_memberships_recompute
from relais.network.tiers import partner_tiers_recompute
from relais.sellout.selectors import partner_activity_amount_expression, partner_activity_amounts


def partner_tiers_refresh(*, brand: Brand, today: date | None = None) -> dict[str, int]:
    """Potential and activity tiers of the brand's partners, activity from the last 12 months of sell-out
    (to ``today``). Segment memberships are not touched: see ``network_refresh``."""
    today = today or timezone.localdate()
    return partner_tiers_recompute(
        brand=brand,
        activity_amounts=partner_activity_amounts(brand=brand, today=today),
        activity_amount_expression=partner_activity_amount_expression(today=today),
    )


@transaction.atomic
def network_refresh(*, brand: Brand) -> dict[str, int]:
    """The nightly pass: activity and potential tiers from the last 12 months of sell-out, then every
    segment's members (segments on activity follow the sell-out). Idempotent."""
    tiers = partner_tiers_refresh(brand=brand)
    segments = segment_memberships_recompute(brand=brand)
    return {**{f"tiers_{k}": v for k, v in tiers.items()}, **segments}

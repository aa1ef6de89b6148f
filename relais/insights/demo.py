"""Demo data for insights: nothing to invent, the figures come from the demo sell-out. ``load`` rebuilds the
rollups of the demo brand once the sell-out demo has written its declarations (``relais.core.demo`` calls the
domain loaders in order: sell-out, incentives, then insights).
"""

from __future__ import annotations

import random

from relais.core.models import Brand
from relais.insights.services import rollup_refresh
from relais.network.services import segment_memberships_recompute
from relais.followups.network import partner_tiers_refresh


def load(*, brand: Brand, rng: random.Random) -> dict[str, int]:
    """Bring activity tiers and segments up to date with the demo sell-out, then build every rollup month.

    The cube's segment figures use current memberships, so segments are recomputed first (both steps are
    idempotent; the demo loader recomputing them again afterwards changes nothing).
    """
    partner_tiers_refresh(brand=brand)
    segment_memberships_recompute(brand=brand)
    return rollup_refresh(brand=brand)

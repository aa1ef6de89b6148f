"""Demo data for insights: nothing to invent, the figures come from the demo sell-out. ``load`` builds the
rollups (and the dashboard's cube) of the demo brand. ``relais.demo`` calls it last, once the sell-out and
incentives demos have run and the partners' tiers and segment memberships follow the sell-out: the cube
groups the rollups by segment membership.
"""

from __future__ import annotations

import random

from relais.core.models import Brand
from relais.insights.services import rollup_refresh


def load(*, brand: Brand, rng: random.Random) -> dict[str, int]:
    """Build every rollup month of ``brand`` (``rng`` unused: the figures are the sell-out's)."""
    return rollup_refresh(brand=brand)

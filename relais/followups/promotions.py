"""After a declaration is counted: the extra points and bonus rewards of the seasonal promotions.

Called from ``relais.followups.declarations.declaration_counted`` (one call, after the challenges' points);
the work runs as a ``promotions_points`` job after commit, idempotent, so each review of a flagged line counts
the declaration again and pays only the lines that became validated. A declaration that no published or
closed promotion overlaps queues nothing.
"""

from __future__ import annotations

from relais.promotions.selectors import promotions_earning_exist
from relais.promotions.services import promotion_points_enqueue
from relais.sellout.models import Declaration


def declaration_promotions(*, declaration: Declaration) -> None:
    """Queue the promotion points of a counted declaration (``relais.promotions.services.promotion_points_post``)."""
    if promotions_earning_exist(declaration=declaration):
        promotion_points_enqueue(declaration=declaration)

"""Channel programs and the domains beside them: incentives (a challenge's objective bonus reads the
programs' account objectives; a partner's tier multiplies the points it earns, and gates premium rewards) and
the content library (a suggestion shows the brochure of its product or family).

``relais.programs`` and ``relais.incentives`` (and ``relais.comms``) are siblings: neither imports the other.
What one needs of the other is read here and passed in as plain data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from relais.catalog.models import Product
from relais.comms.models import ContentItem, ContentKind
from relais.comms.selectors import content_list_partner
from relais.core.models import Brand, Job
from relais.incentives import selectors as incentives_selectors
from relais.incentives import services as incentives_services
from relais.incentives.models import Challenge
from relais.incentives.rules import ObjectiveAttainment
from relais.network.models import PartnerCompany
from relais.programs.models import Program
from relais.programs.objective_selectors import account_objective_list, account_objective_progress
from relais.programs.selectors import partner_suggestions, partner_tier_benefits
from relais.sellout.models import Declaration


def objective_attainments(
    *, brand: Brand, period_start: dt.date, period_end: dt.date
) -> list[ObjectiveAttainment]:
    """The account objectives of exactly that period, with their attainment from validated sell-out (the
    programs' computation, one read), as incentives takes them."""
    objectives = list(account_objective_list(brand=brand, period=(period_start, period_end)))
    progress = account_objective_progress(brand=brand, objectives=objectives)
    return [
        ObjectiveAttainment(
            objective_id=o.pk,
            partner_id=o.partner_id,
            metric=o.metric,
            attainment_percent=_percent(progress.get(o.pk, {}).get("attainment")),
        )
        for o in objectives
    ]


def _percent(value: float | None) -> Decimal:
    return Decimal(0) if value is None else Decimal(str(round(value, 1)))


def challenge_close(*, challenge: Challenge) -> dict[str, int]:
    """Close a challenge, its objective bonuses paid on the program objectives of its period."""
    return incentives_services.challenge_close(
        challenge=challenge,
        objectives=objective_attainments(
            brand=challenge.brand, period_start=challenge.period_start, period_end=challenge.period_end
        ),
    )


def challenge_backtest(*, challenge: Challenge, period_start: dt.date, period_end: dt.date) -> dict[str, Any]:
    """The challenge's back-test on another period, its objective bonus on that period's program objectives."""
    return incentives_selectors.challenge_backtest(
        challenge=challenge,
        period_start=period_start,
        period_end=period_end,
        objectives=objective_attainments(
            brand=challenge.brand, period_start=period_start, period_end=period_end
        ),
    )


def tier_factor_of(*, partner: PartnerCompany) -> Decimal:
    """The points multiplier of the partner's current tier (1 without one), as incentives' scoring takes it."""
    return Decimal(str(partner_tier_benefits(partner=partner)["points_multiplier"]))


def premium_allowed(*, partner: PartnerCompany) -> bool:
    """Whether the partner's current tier grants premium rewards (what incentives' reward checks take)."""
    return bool(partner_tier_benefits(partner=partner)["premium_rewards"])


def score_enqueue(*, declaration: Declaration) -> Job:
    """Schedule the scoring of a counted declaration with the partner's tier multiplier applied."""
    return incentives_services.score_enqueue(
        declaration=declaration, tier_factor=tier_factor_of(partner=declaration.partner)
    )


def challenge_score_declaration(*, declaration: Declaration) -> dict[int, dict[str, int]]:
    """Score a declaration now, its lines' points multiplied by the partner's tier benefit."""
    return incentives_services.challenge_score_declaration(
        declaration=declaration, tier_factor=tier_factor_of(partner=declaration.partner)
    )


def suggestions_with_brochures(
    *, program: Program, partner: PartnerCompany
) -> dict[str, list[dict[str, Any]]]:
    """The partner's upsell and cross-sell suggestions, each with the brochure of its product or family from
    the content library when the partner may see one (a published brochure whose title or description names
    the product, its GTIN or its family; the product's own first). The partner's brochures are read once."""
    suggestions = partner_suggestions(program=program, partner=partner)
    brochures = list(content_list_partner(partner=partner, kind=ContentKind.BROCHURE)[:200])
    for item in suggestions["upsell"] + suggestions["cross_sell"]:
        item["brochure"] = brochure_for(item["product"], brochures)
    return suggestions


def brochure_for(product: Product, brochures: Sequence[ContentItem]) -> ContentItem | None:
    """The brochure that names the product (name or GTIN), else one that names its family."""

    def text(item: ContentItem) -> str:
        return f"{item.title} {item.description}".casefold()

    by_product = [
        b for b in brochures if product.name.casefold() in text(b) or product.gtin.lstrip("0") in text(b)
    ]
    if by_product:
        return by_product[0]
    family = product.family.casefold()
    return next((b for b in brochures if family and family in text(b)), None)

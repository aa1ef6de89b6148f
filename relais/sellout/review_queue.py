"""Reads of the brand's review queue: the flagged lines of submitted declarations, and the partners they come
from, brand-scoped and narrowed by reason, partner and period. What is at stake in points is read by
incentives and the two are put together by ``relais.followups.review.review_queue``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from relais.core.models import Brand
from relais.network.models import PartnerCompany
from relais.sellout.anomalies.reasons import CODES
from relais.sellout.models import Declaration, DeclarationLine, ReviewDecision

# The price check writes its reason as text (``flag_reason``), the other checks a code (``anomalies``).
PRICE_REASON = "price"
FLAG_REASON_LABELS: dict[str, object] = {
    "quantity_high": _("Quantity above the usual"),
    "amount_high": _("Amount above the usual"),
    "month_volume": _("Month volume above the usual"),
    "week_volume": _("Week volume above the usual"),
    "duplicate_in_file": _("Possible duplicate in the file"),
    PRICE_REASON: _("Price far from the list price"),
}


# The price check's own code, when the checks write one: the "price" filter (its words) already finds them.
PRICE_CODE = "price_implausible"


def flag_reason_choices() -> list[tuple[str, str]]:
    """The reasons a flagged line can be filtered on, in the reader's language."""
    codes = [*(code for code in CODES if code != PRICE_CODE), PRICE_REASON]
    return [(code, str(FLAG_REASON_LABELS.get(code, code))) for code in codes]


@dataclass(frozen=True)
class ReviewQueueFilter:
    """What the review queue is narrowed by; all optional."""

    reason: str = ""
    partner: PartnerCompany | None = None
    period_from: date | None = None
    period_to: date | None = None
    # The partners the brand user may see (``relais.accounts.access.access_brand_partner_scope``); None: all.
    scope: Q | None = None


def review_queue_lines(*, brand: Brand, criteria: ReviewQueueFilter) -> QuerySet[DeclarationLine]:
    """The brand's flagged lines of submitted declarations (a draft's lines are not the brand's to review yet),
    most amount at stake first, with their product, partner and declaration."""
    lines = DeclarationLine.objects.filter(brand=brand, status=DeclarationLine.Status.FLAGGED).exclude(
        declaration__status=Declaration.Status.DRAFT
    )
    if criteria.scope is not None:
        lines = lines.filter(
            partner__in=PartnerCompany.objects.filter(criteria.scope, brand=brand).values("pk")
        )
    if criteria.partner is not None:
        lines = lines.filter(partner=criteria.partner)
    if criteria.period_from:
        lines = lines.filter(sale_date__gte=criteria.period_from)
    if criteria.period_to:
        lines = lines.filter(sale_date__lte=criteria.period_to)
    if criteria.reason == PRICE_REASON:
        lines = lines.exclude(flag_reason="")
    elif criteria.reason in CODES:
        # The codes are distinct words, so the quoted code in the stored JSON is the anomaly itself
        # (SQLite and PostgreSQL write the JSON with different spacing, never with different quoting).
        lines = lines.annotate(anomalies_text=Cast("anomalies", TextField())).filter(
            anomalies_text__contains=f'"{criteria.reason}"'
        )
    return lines.select_related("product", "partner", "declaration").order_by("-amount", "pk")


@dataclass(frozen=True)
class SuspiciousPartner:
    partner_id: int
    name: str
    code: str
    lines: int
    units: int
    amount: Decimal


def review_queue_partners(
    *, brand: Brand, criteria: ReviewQueueFilter, limit: int = 20
) -> list[SuspiciousPartner]:
    """The partners with flagged lines in the queue (as filtered), most amount at stake first."""
    rows = (
        review_queue_lines(brand=brand, criteria=criteria)
        .select_related(None)
        .order_by()
        .values("partner_id", "partner__name", "partner__code")
        .annotate(n=Count("id"), units=Sum("quantity"), total=Sum("amount"))
        .order_by("-total", "partner_id")[:limit]
    )
    return [
        SuspiciousPartner(
            partner_id=row["partner_id"],
            name=row["partner__name"],
            code=row["partner__code"],
            lines=row["n"],
            units=int(row["units"] or 0),
            amount=row["total"] or Decimal(0),
        )
        for row in rows
    ]


def declaration_review_decisions(*, declaration: Declaration) -> QuerySet[ReviewDecision]:
    """The review history of a declaration, newest first, with the line and who decided (for the brand)."""
    return (
        ReviewDecision.objects.filter(brand_id=declaration.brand_id, declaration=declaration)
        .select_related("line", "line__product", "decided_by")
        .order_by("-created_at", "-pk")
    )


def partner_review_decisions(*, partner: PartnerCompany, limit: int = 20) -> QuerySet[ReviewDecision]:
    """The latest decisions on a partner's lines, newest first (the partner's page shows the reason, not who)."""
    return (
        ReviewDecision.objects.filter(brand_id=partner.brand_id, partner=partner)
        .select_related("line", "line__product", "declaration")
        .order_by("-created_at", "-pk")[:limit]
    )


def brand_lines_by_ids(*, brand: Brand, line_ids: list[int], scope: Q | None = None) -> list[DeclarationLine]:
    """The brand's lines of these ids as the queue shows them (product, partner), in id order; within
    ``scope`` (the brand user's partner filter) when given."""
    lines = DeclarationLine.objects.filter(brand=brand, pk__in=line_ids)
    if scope is not None:
        lines = lines.filter(partner__in=PartnerCompany.objects.filter(scope, brand=brand).values("pk"))
    return list(lines.select_related("product", "partner").order_by("pk"))

"""Customer comments of the brand's sell-out: the searchable list and the counts by theme."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Q, QuerySet, Sum

from relais.core.models import Brand
from relais.insights.feedback import THEMES, feedback_themes, theme_label
from relais.insights.models import FeedbackThemeRollup
from relais.insights.periods import Period
from relais.insights.selectors.common import segment_current_members
from relais.network.models import Segment, SegmentMembership
from relais.sellout.models import Declaration, DeclarationLine


def feedback_lines(
    *, brand: Brand, period: Period, q: str = "", segment: Segment | None = None
) -> QuerySet[DeclarationLine]:
    """The brand's counted sell-out lines that carry a customer comment, newest first; ``q`` searches the
    comment, the product name and the partner name. Accepted lines only, as the theme counts: a flagged line
    waits for the brand's review, a rejected one never counts."""
    qs = (
        DeclarationLine.objects.filter(
            brand=brand,
            sale_date__gte=period.start,
            sale_date__lt=period.stop,
            status=DeclarationLine.Status.ACCEPTED,
        )
        .exclude(feedback="")
        .exclude(declaration__status=Declaration.Status.DRAFT)
        .select_related("product", "partner")
        .order_by("-sale_date", "-pk")
    )
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(feedback__icontains=q) | Q(product__name__icontains=q) | Q(partner__name__icontains=q)
        )
    if segment is not None:
        qs = qs.filter(partner_id__in=segment_current_members(segment).values("partner_id"))
    return qs


def feedback_theme_counts(
    *, brand: Brand, period: Period, segment: Segment | None = None
) -> list[dict[str, Any]]:
    """How many comments fall in each theme (from the feedback rollup), most frequent first."""
    rows = FeedbackThemeRollup.objects.filter(brand=brand, month__gte=period.start, month__lt=period.stop)
    if segment is not None:
        rows = rows.filter(partner_id__in=segment_current_members(segment).values("partner_id"))
    counts = {r["theme"]: int(r["n"]) for r in rows.values("theme").annotate(n=Sum("lines"))}
    return [
        {"theme": t, "label": theme_label(t), "count": counts.get(t, 0)}
        for t in sorted(THEMES, key=lambda t: (-counts.get(t, 0), THEMES.index(t)))
    ]


def line_segments(*, brand: Brand, partner_ids: list[int]) -> dict[int, list[str]]:
    """Current segment names of the given partners (for the feedback list)."""
    names: dict[int, list[str]] = defaultdict(list)
    for pid, name in SegmentMembership.objects.filter(
        segment__brand=brand, partner_id__in=partner_ids, valid_to__isnull=True
    ).values_list("partner_id", "segment__name"):
        names[pid].append(name)
    return names


def themes_of(text: str) -> list[str]:
    return [theme_label(t) for t in feedback_themes(text)]

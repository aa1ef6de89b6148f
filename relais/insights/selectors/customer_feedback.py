"""Customer comments of the brand's sell-out: the searchable list and the counts by theme."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Q, QuerySet, Sum

from relais.core.models import Brand
from relais.insights.feedback import DEFAULT_KEYWORDS, OTHER, THEMES, ThemeClassifier, theme_label
from relais.insights.models import FeedbackThemeKeywords, FeedbackThemeRollup
from relais.insights.periods import Period
from relais.insights.selectors.common import in_scope, segment_current_members
from relais.network.models import Segment, SegmentMembership
from relais.sellout.models import Declaration, DeclarationLine


def feedback_lines(
    *, brand: Brand, period: Period, q: str = "", segment: Segment | None = None, scope: Q | None = None
) -> QuerySet[DeclarationLine]:
    """The brand's counted sell-out lines that carry a customer comment, newest first; ``q`` searches the
    comment, the product name and the partner name. Accepted lines only, as the theme counts: a flagged line
    waits for the brand's review, a rejected one never counts. ``scope``: a channel manager's partners only."""
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
    return in_scope(qs, brand=brand, scope=scope)


def feedback_theme_counts(
    *, brand: Brand, period: Period, segment: Segment | None = None, scope: Q | None = None
) -> list[dict[str, Any]]:
    """How many comments fall in each theme (from the feedback rollup), most frequent first."""
    rows = in_scope(
        FeedbackThemeRollup.objects.filter(brand=brand, month__gte=period.start, month__lt=period.stop),
        brand=brand,
        scope=scope,
    )
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


def themes_of(text: str, classifier: ThemeClassifier) -> list[str]:
    """The theme labels of one comment (in the reader's language)."""
    return [theme_label(t) for t in classifier.themes(text)]


def feedback_keyword_overrides(*, brand: Brand) -> dict[str, list[str]]:
    """The brand's own keyword lists, by theme (themes it did not change are absent)."""
    return {
        theme: list(keywords)
        for theme, keywords in FeedbackThemeKeywords.objects.filter(
            brand=brand, theme__in=list(DEFAULT_KEYWORDS)
        ).values_list("theme", "keywords")
    }


def feedback_classifier(*, brand: Brand) -> ThemeClassifier:
    """The classifier of the brand's comments: its keyword lists over the defaults (one query)."""
    return ThemeClassifier(feedback_keyword_overrides(brand=brand))


def feedback_keywords(*, brand: Brand) -> list[dict[str, Any]]:
    """Each theme's keywords as the brand's edit page shows them, and whether they are the defaults."""
    overrides = feedback_keyword_overrides(brand=brand)
    return [
        {
            "theme": theme,
            "label": theme_label(theme),
            "keywords": overrides.get(theme, list(defaults)),
            "is_default": theme not in overrides,
        }
        for theme, defaults in DEFAULT_KEYWORDS.items()
    ]


def feedback_classified_share(
    *,
    brand: Brand,
    period: Period,
    segment: Segment | None,
    theme_counts: list[dict[str, Any]],
    scope: Q | None = None,
) -> dict[str, Any]:
    """How many of the period's comments landed in a theme (not "other"): counts and a whole percentage.

    ``theme_counts`` is ``feedback_theme_counts``' result; the total is the count of commented lines (one
    query), since a comment may count in several themes.
    """
    total = feedback_lines(brand=brand, period=period, segment=segment, scope=scope).count()
    other = next((t["count"] for t in theme_counts if t["theme"] == OTHER), 0)
    classified = max(total - other, 0)
    percent = round(100 * classified / total) if total else None
    return {"total": total, "classified": classified, "percent": percent}

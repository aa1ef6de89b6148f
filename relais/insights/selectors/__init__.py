"""Reads of the insights domain. Everything the brand dashboard shows comes from the rollup tables; partner
pages read only their own rollup rows plus anonymised aggregates over at least ``K_MIN_OTHERS`` other
partners (k-anonymity: never a minimum, a maximum or anything built from fewer partners).

``common`` (period, segment filter, anonymity floor) · ``dashboard`` (the brand dashboard) · ``programme``
(objectives and challenges on the dashboard) · ``partner`` (a partner's own figures) · ``benchmarks`` (what a
partner sees of the others) · ``customer_feedback`` (comments) · ``challenge_impact`` (what an
intervention changed). Import from this package: ``from relais.insights.selectors import period_clean``.
"""

from relais.insights.periods import Period
from relais.insights.selectors.benchmarks import (
    partner_benchmarks,
    region_best_sellers,
    segment_feedback_themes,
)
from relais.insights.selectors.challenge_impact import (
    InterventionEffect,
    challenge_impact,
    challenge_impact_find,
    intervention_effect,
    intervention_panel,
)
from relais.insights.selectors.common import (
    DECLARATION_GRACE_DAYS,
    K_MIN_OTHERS,
    latest_month,
    period_clean,
    segment_find,
)
from relais.insights.selectors.customer_feedback import (
    feedback_classified_share,
    feedback_classifier,
    feedback_keywords,
    feedback_lines,
    feedback_theme_counts,
    line_segments,
    themes_of,
)
from relais.insights.selectors.dashboard import (
    BREAKDOWNS,
    chart_payload,
    dashboard_breakdown,
    dashboard_data,
    dashboard_totals,
    network_coverage,
    top_partners,
)
from relais.insights.selectors.partner import partner_best_sellers, partner_online_share, partner_trend
from relais.insights.selectors.programme import challenge_points_cost, objective_attainment

__all__ = [
    "BREAKDOWNS",
    "DECLARATION_GRACE_DAYS",
    "K_MIN_OTHERS",
    "InterventionEffect",
    "Period",
    "challenge_impact",
    "challenge_impact_find",
    "challenge_points_cost",
    "chart_payload",
    "dashboard_breakdown",
    "dashboard_data",
    "dashboard_totals",
    "feedback_classified_share",
    "feedback_classifier",
    "feedback_keywords",
    "feedback_lines",
    "feedback_theme_counts",
    "intervention_effect",
    "intervention_panel",
    "latest_month",
    "line_segments",
    "network_coverage",
    "objective_attainment",
    "partner_benchmarks",
    "partner_best_sellers",
    "partner_online_share",
    "partner_trend",
    "period_clean",
    "region_best_sellers",
    "segment_feedback_themes",
    "segment_find",
    "themes_of",
    "top_partners",
]

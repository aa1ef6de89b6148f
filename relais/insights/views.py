"""Brand analytics (dashboard, partner drill-down, customer feedback) and partner insights (portal)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.accounts.access import (
    access_brand_partner_scope,
    access_brand_staff,
    access_partner_by_id,
    access_partner_user,
)
from relais.accounts.types import AuthedRequest
from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.insights import selectors, services
from relais.insights.exports import rows_to_csv, rows_to_xlsx
from relais.insights.forms import FeedbackKeywordsForm
from relais.insights.selectors import home as home_selectors
from relais.network.models import PartnerCompany, Segment
from relais.network.selectors import segment_list

FEEDBACK_PER_PAGE = 30
UNDECLARED_PER_PAGE = 50


def _dimension_titles() -> dict[str, str]:
    return {
        "month": _("By month"),
        "family": _("By product family"),
        "channel": _("In store vs online"),
        "country": _("By country"),
        "region": _("By region"),
        "kind": _("By partner kind"),
        "segment": _("By segment"),
    }


def _filters(request: AuthedRequest, brand: Brand) -> tuple[selectors.Period, Segment | None]:
    period = selectors.period_clean(brand=brand, start=request.GET.get("start"), end=request.GET.get("end"))
    segment = selectors.segment_find(brand=brand, segment_id=request.GET.get("segment"))
    return period, segment


def _dashboard_context(request: AuthedRequest, brand: Brand) -> dict[str, Any]:
    period, segment = _filters(request, brand)
    # A channel manager's figures are its partners' only (access_brand_partner_scope); the brand admin's all.
    scope = access_brand_partner_scope(request.user)
    data = selectors.dashboard_data(brand=brand, period=period, segment=segment, scope=scope)
    titles = _dimension_titles()
    payload = selectors.chart_payload(data)
    query = request.GET.urlencode()
    return {
        **data,
        "charts": [
            {
                "dimension": dim,
                "title": titles[dim],
                "rows": data["breakdowns"][dim],
                "payload": json.dumps(payload[dim]),
            }
            for dim in selectors.BREAKDOWNS
        ],
        "query": query,
    }


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    context = _dashboard_context(request, brand)
    context["segments"] = segment_list(brand=brand)
    return render(request, "insights/dashboard.html", context)


@login_required
def dashboard_charts(request: AuthedRequest) -> HttpResponse:
    """The charts fragment the filter bar swaps in (htmx)."""
    brand = access_brand_staff(request.user)
    response = render(request, "insights/partials/dashboard_charts.html", _dashboard_context(request, brand))
    # The address bar shows the full dashboard with these filters (reloadable, shareable).
    query = request.GET.urlencode()
    response["HX-Push-Url"] = reverse("insights:dashboard") + (f"?{query}" if query else "")
    return response


@login_required
def top_partners(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    period, segment = _filters(request, brand)
    rows = selectors.top_partners(
        brand=brand, period=period, segment=segment, scope=access_brand_partner_scope(request.user)
    )
    return render(request, "insights/partials/top_partners.html", {"rows": rows, "currency": brand.currency})


@login_required
def programme(request: AuthedRequest) -> HttpResponse:
    """Objective attainment, points cost and what each challenge changed (from relais.incentives), loaded
    after the charts."""
    brand = access_brand_staff(request.user)
    period, segment = _filters(request, brand)
    scope = access_brand_partner_scope(request.user)
    challenges = selectors.challenge_points_cost(brand=brand, period=period, segment=segment, scope=scope)
    for row in challenges:
        # Measured on all the challenge's participants: the segment filter narrows its points only. A
        # channel manager with a scope sees no effect (it is built from partners outside its scope too).
        row["impact"] = selectors.challenge_impact_find(challenge=row["challenge"]) if scope is None else None
    context = {
        "objectives": selectors.objective_attainment(
            brand=brand, period=period, segment=segment, scope=scope
        ),
        "challenges": challenges,
        "segment": segment,
        "currency": brand.currency,
    }
    return render(request, "insights/partials/programme.html", context)


@login_required
def export(request: AuthedRequest, dimension: str, fmt: str) -> HttpResponse:
    """One breakdown of the dashboard (same filters) as CSV or XLSX."""
    brand = access_brand_staff(request.user)
    if dimension not in selectors.BREAKDOWNS or fmt not in {"csv", "xlsx"}:
        raise Http404
    period, segment = _filters(request, brand)
    rows = selectors.dashboard_breakdown(
        brand=brand,
        dimension=dimension,
        period=period,
        segment=segment,
        scope=access_brand_partner_scope(request.user),
    )
    header = [
        _dimension_titles()[dimension],
        _("Units"),
        _("Amount (%(c)s)") % {"c": brand.currency},
        _("Lines"),
    ]
    table = [[r["label"], r["units"], r["amount"], r["lines"]] for r in rows]
    name = f"sellout-{dimension}-{period.start:%Y-%m}-{period.end:%Y-%m}"
    if fmt == "csv":
        response = HttpResponse(
            rows_to_csv(header=header, rows=table), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            rows_to_xlsx(header=header, rows=table, title=dimension),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _partner_insights_context(partner: PartnerCompany, request: AuthedRequest) -> dict[str, Any]:
    period = selectors.period_clean(
        brand=partner.brand, start=request.GET.get("start"), end=request.GET.get("end")
    )
    trend = selectors.partner_trend(partner=partner, period=period)
    return {
        "partner": partner,
        "period": period,
        "currency": partner.brand.currency,
        "trend": trend,
        "trend_payload": json.dumps(
            {
                "labels": [r["label"] for r in trend],
                "units": [r["units"] for r in trend],
                "amount": [float(r["amount"]) for r in trend],
            }
        ),
        "totals": {
            "units": sum(r["units"] for r in trend),
            "amount": sum((r["amount"] for r in trend), start=Decimal("0.00")),
        },
        "online_share": selectors.partner_online_share(partner=partner, period=period),
        "best_sellers": selectors.partner_best_sellers(partner=partner, period=period),
        "benchmarks": selectors.partner_benchmarks(partner=partner, period=period),
        "region_ranks": selectors.region_best_sellers(partner=partner, period=period),
        "feedback_themes": selectors.segment_feedback_themes(partner=partner, period=period),
        "k_min": selectors.K_MIN_OTHERS,
    }


@login_required
def portal_insights(request: AuthedRequest) -> HttpResponse:
    """The partner's own insights, with anonymised benchmarks (partner users only)."""
    partner = access_partner_user(request.user)
    context = _partner_insights_context(partner, request)
    return render(request, "insights/partner_insights.html", context)


@login_required
def partner_detail(request: AuthedRequest, partner_id: int) -> HttpResponse:
    """The brand's drill-down on one partner: the same page the partner sees."""
    access_brand_staff(request.user)
    partner = access_partner_by_id(user=request.user, partner_id=partner_id)
    context = _partner_insights_context(partner, request)
    context["brand_view"] = True
    return render(request, "insights/partner_insights.html", context)


@login_required
def feedback(request: AuthedRequest) -> HttpResponse:
    """Customer comments of the brand's sell-out, searchable, with counts by theme."""
    brand = access_brand_staff(request.user)
    period, segment = _filters(request, brand)
    q = request.GET.get("q", "")[:100]
    scope = access_brand_partner_scope(request.user)
    lines = selectors.feedback_lines(brand=brand, period=period, q=q, segment=segment, scope=scope)
    page = Paginator(lines, FEEDBACK_PER_PAGE).get_page(request.GET.get("page"))
    segment_names = selectors.line_segments(brand=brand, partner_ids=[line.partner_id for line in page])
    classifier = selectors.feedback_classifier(brand=brand)
    theme_counts = selectors.feedback_theme_counts(brand=brand, period=period, segment=segment, scope=scope)
    items = [
        {
            "line": line,
            "themes": selectors.themes_of(line.feedback, classifier),
            "segments": segment_names.get(line.partner_id, []),
        }
        for line in page
    ]
    context = {
        "period": period,
        "segment": segment,
        "segments": segment_list(brand=brand),
        "q": q,
        "page": page,
        "items": items,
        "theme_counts": theme_counts,
        "classified": selectors.feedback_classified_share(
            brand=brand, period=period, segment=segment, theme_counts=theme_counts, scope=scope
        ),
    }
    template = (
        "insights/partials/feedback_results.html"
        if request.headers.get("HX-Request")
        else "insights/feedback.html"
    )
    return render(request, template, context)


@login_required
def feedback_themes(request: AuthedRequest) -> HttpResponse:
    """The brand's keyword lists of the feedback themes: read and edit; saving re-counts the comments."""
    brand = access_brand_staff(request.user)
    themes = selectors.feedback_keywords(brand=brand)
    form = FeedbackKeywordsForm(request.POST or None, themes=themes)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.feedback_keywords_set(brand=brand, by=request.user, keywords=form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(exc.extra.get("field") if exc.extra else None, exc.message)
        else:
            if changed:
                messages.success(request, _("Keywords saved: the comments are being counted again by theme."))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("insights:feedback_themes")
    return render(request, "insights/feedback_themes.html", {"form": form, "rows": form.rows()})


@login_required
def undeclared(request: AuthedRequest) -> HttpResponse:
    """Active partners that have not declared the month due (the last complete one), by name, paginated."""
    brand = access_brand_staff(request.user)
    month = home_selectors.due_month(timezone.localdate())
    partners = home_selectors.partners_undeclared(
        brand=brand, month=month, scope=access_brand_partner_scope(request.user)
    )
    page = Paginator(partners, UNDECLARED_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "insights/undeclared.html", {"month": month, "page": page})

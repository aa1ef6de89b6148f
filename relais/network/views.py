"""Back office of the partner network (brand staff) and the partner portal home (partner users)."""

from __future__ import annotations

import json
from datetime import datetime, time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.accounts.access import (
    access_brand_admin,
    access_brand_partner_scope,
    access_brand_staff,
    access_partner_admin,
    access_partner_by_id,
    access_partner_user,
)
from relais.accounts.forms import InvitationForm
from relais.accounts.models import Role, User
from relais.accounts.selectors import invitations_pending_for_partner, users_of_partner
from relais.accounts.types import AuthedRequest
from relais.core.errors import ApplicationError
from relais.followups import network as network_followups
from relais.incentives.selectors import account_summary, seller_challenges_running
from relais.insights.selectors import home as home_selectors
from relais.network import selectors, services
from relais.network.exports import partners_csv_stream, partners_xlsx_stream
from relais.network.forms import (
    RULE_PICKERS,
    PartnerFilterForm,
    PartnerForm,
    SegmentForm,
    SiteForm,
    country_label,
)
from relais.network.models import Channel, Organisation, PartnerCompany, PartnerKind, Segment, Site, Tier
from relais.network.portal import portal_section_register, portal_sections
from relais.sellout.portal import portal_due_context

PARTNERS_PER_PAGE = 25
MEMBERS_PER_PAGE = 50
PREVIEW_SAMPLE = 8
# Filters always shown above the partner list; the others fold under "More filters" (phones).
PRIMARY_FILTERS = ("q", "kind", "country", "segment")


def _points_section_context(request: HttpRequest, partner: PartnerCompany) -> dict[str, Any]:
    user = request.user if isinstance(request.user, User) else None
    is_seller = user is not None and user.role == Role.PARTNER_SELLER
    return {
        "summary": account_summary(partner=partner, user=user),
        "is_seller": is_seller,
        # Why a seller's own balance may stay at 0: only challenges for sellers pay them; the rest the company.
        "seller_challenges": is_seller and seller_challenges_running(brand_id=partner.brand_id),
    }


# The portal home's sections from other domains, registered here, at the entry point, because the network
# (where the portal home lives) sits below them and must not import them.
portal_section_register(
    key="points",
    template="incentives/partials/portal_section.html",
    order=30,
    context=_points_section_context,
)
portal_section_register(key="insights", template="insights/partials/portal_section.html", order=60)
# First on the home: what is due (last month's sales, the deadline, where the partner stands) and the button.
portal_section_register(
    key="declaration_due",
    template="sellout/partials/portal_due.html",
    order=5,
    context=portal_due_context,
)


def _is_htmx(request: AuthedRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _brand_partner(request: AuthedRequest, pk: int) -> PartnerCompany:
    brand = access_brand_staff(request.user)
    return selectors.partner_get(brand=brand, partner_id=pk, scope=access_brand_partner_scope(request.user))


def _brand_segment(request: AuthedRequest, pk: int) -> Segment:
    brand = access_brand_staff(request.user)
    return selectors.segment_get(brand=brand, segment_id=pk)


def rules_display(rules: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Rules as labelled values, for reading rather than editing."""
    labels: dict[str, dict[str, Any]] = {
        "kind": dict(PartnerKind.choices),
        "organisation": dict(Organisation.choices),
        "channel": dict(Channel.choices),
        "potential_tier": dict(Tier.choices),
        "activity_tier": dict(Tier.choices),
    }
    field_labels = dict(RULE_PICKERS)
    shown = []
    for field, values in rules.items():
        names = []
        for value in values:
            if field == "country":
                names.append(country_label(value))
            elif field == "is_active":
                names.append(_("Active") if value else _("Inactive"))
            else:
                names.append(labels.get(field, {}).get(value, value))
        shown.append({"field": field, "label": field_labels.get(field, field), "values": names})
    return shown


def _clean_url(request: AuthedRequest) -> str:
    """The current URL without empty GET parameters, for the address bar after an htmx filter."""
    params = request.GET.copy()
    for key in [k for k, values in params.lists() if not any(values)]:
        del params[key]
    query = params.urlencode()
    return request.path + (f"?{query}" if query else "")


# --- brand back office ------------------------------------------------------------------------------


def _home_chart(sellout: home_selectors.HomeSellout) -> str:
    return json.dumps(
        {
            "labels": [date_format(m["month"], "YEAR_MONTH_FORMAT") for m in sellout.months],
            "amount": [m["amount_cents"] / 100 for m in sellout.months],
        }
    )


@login_required
def brand_home(request: AuthedRequest) -> HttpResponse:
    """The brand's home: its sell-out this month against the last, what needs doing, the network's shape."""
    brand = access_brand_staff(request.user)
    kpis = selectors.brand_kpis(brand=brand)
    for row in kpis["by_country"]:
        row["label"] = country_label(row["country"])
    # A channel manager's sell-out and to-do counts are its partners' (access_brand_partner_scope).
    scope = access_brand_partner_scope(request.user)
    sellout = home_selectors.brand_home_sellout(brand=brand, scope=scope)
    context = {
        "brand": brand,
        **kpis,
        "sellout": sellout,
        "sellout_chart": _home_chart(sellout),
        "todo": home_selectors.brand_home_todo(brand=brand, scope=scope),
    }
    return render(request, "network/brand_home.html", context)


PARTNER_SUGGESTIONS = 10


def _partner_sort(request: HttpRequest) -> str:
    sort = request.GET.get("sort", "")
    return sort if sort in selectors.PARTNER_SORTS else selectors.PARTNER_DEFAULT_SORT


def _sort_links(request: HttpRequest, sort: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the list's URL sorted by it (reversed when it is the current order, first
    page) and the arrow to show."""
    links = {}
    for key in ("name", "code", "city", "country", "kind"):
        query = request.GET.copy()
        query.pop("page", None)
        query["sort"] = f"-{key}" if sort == key else key
        arrow = "↑" if sort == key else "↓" if sort == f"-{key}" else ""
        links[key] = {"url": f"?{query.urlencode()}", "arrow": arrow}
    return links


@login_required
def partner_search(request: AuthedRequest) -> HttpResponse:
    """The partner picker's suggestions (an htmx fragment): up to ten of the brand's partners whose name,
    code or city contains ``q``, for pages that would otherwise list every partner in a drop-down."""
    brand = access_brand_staff(request.user)
    q = request.GET.get("q", "").strip()[:100]
    scope = access_brand_partner_scope(request.user)
    partners = (
        list(selectors.partner_list(brand=brand, filters={"q": q}, scope=scope)[:PARTNER_SUGGESTIONS])
        if q
        else []
    )
    return render(request, "network/partials/partner_suggestions.html", {"partners": partners, "q": q})


@login_required
def partner_export(request: AuthedRequest, fmt: str) -> StreamingHttpResponse:
    """The partner registry, with the list's filters and order, as CSV or XLSX in the reader's language."""
    brand = access_brand_staff(request.user)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = PartnerFilterForm(request.GET or None, brand=brand)
    filters = form.filters() if request.GET else {}
    partners = selectors.partner_list(
        brand=brand,
        filters=filters,
        sort=_partner_sort(request),
        scope=access_brand_partner_scope(request.user),
    )
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = StreamingHttpResponse(
            partners_csv_stream(partners), content_type="text/csv; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(
            partners_xlsx_stream(partners),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="partners-{brand.slug}-{stamp}.{fmt}"'
    return response


@login_required
def partner_list(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    form = PartnerFilterForm(request.GET or None, brand=brand)
    filters = form.filters() if request.GET else {}
    sort = _partner_sort(request)
    partners = selectors.partner_list(
        brand=brand, filters=filters, sort=sort, scope=access_brand_partner_scope(request.user)
    )
    page = Paginator(partners, PARTNERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "sort": sort,
        "sort_links": _sort_links(request, sort),
        "total": page.paginator.count,
        "filtered": bool(filters),
        "primary_filters": PRIMARY_FILTERS,
        "more_filters_active": bool(set(filters) - set(PRIMARY_FILTERS)),
    }
    if _is_htmx(request) and request.headers.get("HX-Target") == "partner-results":
        response = render(request, "network/partials/partner_results.html", context)
        response["HX-Push-Url"] = _clean_url(request)
        return response
    return render(request, "network/partner_list.html", context)


@login_required
def partner_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    if user.is_partner_user:
        # A partner user's own company page is the portal; anyone else's does not exist for them.
        access_partner_by_id(user=user, partner_id=pk)
        return redirect("network:portal_home")
    partner = _brand_partner(request, pk)
    return render(
        request,
        "network/partner_detail.html",
        {
            "partner": partner,
            "country_name": country_label(partner.country),
            "children": selectors.partner_children(partner=partner),
            "sites": selectors.partner_sites(partner=partner),
            "users": users_of_partner(partner=partner),
            "invitations": invitations_pending_for_partner(partner=partner),
            "current_segments": selectors.segments_of_partner(partner=partner),
            "segment_history": selectors.partner_segment_history(partner=partner),
            "invite_form": InvitationForm(inviter=user),
            "can_manage_users": True,
            "manageable_roles": [Role.PARTNER_ADMIN, Role.PARTNER_SELLER],
        },
    )


@login_required
def partner_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    partner = _brand_partner(request, pk)
    form = PartnerForm(request.POST or None, partner=partner)
    if request.method == "POST" and form.is_valid():
        try:
            network_followups.partner_update(partner=partner, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Partner saved."))
            return redirect("network:partner_detail", pk=partner.pk)
    return render(request, "network/partner_form.html", {"partner": partner, "form": form})


@login_required
def site_create(request: AuthedRequest, pk: int) -> HttpResponse:
    partner = _brand_partner(request, pk)
    back = reverse("network:partner_detail", args=[partner.pk])
    return _site_form_page(request, partner, None, back, portal=False)


@login_required
def site_edit(request: AuthedRequest, pk: int, site_pk: int) -> HttpResponse:
    partner = _brand_partner(request, pk)
    site = selectors.site_get(partner=partner, site_id=site_pk)
    back = reverse("network:partner_detail", args=[partner.pk])
    return _site_form_page(request, partner, site, back, portal=False)


# --- segments ---------------------------------------------------------------------------------------


@login_required
def segment_list(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    segments = list(selectors.segment_list(brand=brand))
    for segment in segments:
        segment.rules_shown = rules_display(segment.rules)  # type: ignore[attr-defined]
    return render(request, "network/segment_list.html", {"segments": segments})


def _preview(brand: Any, rules: dict[str, Any], segment: Segment | None = None) -> dict[str, Any]:
    try:
        matching = selectors.partners_matching_rules(brand=brand, rules=rules)
    except ApplicationError as exc:
        return {"preview_error": exc.message, "preview_count": 0, "preview_sample": []}
    context: dict[str, Any] = {
        "preview_count": matching.count(),
        "preview_sample": list(matching.order_by("name")[:PREVIEW_SAMPLE]),
        "preview_error": "",
    }
    if segment is not None:
        context["preview_moves"] = selectors.segment_moves_if(segment=segment, matching=matching)
    return context


def _segment_form_page(request: AuthedRequest, segment: Segment | None) -> HttpResponse:
    brand = access_brand_staff(request.user)
    current = segment.rules if segment else {}
    initial = (
        {"name": segment.name, "description": segment.description, "public_label": segment.public_label}
        if segment
        else None
    )
    form = SegmentForm(request.POST or None, brand=brand, current_rules=current, initial=initial)
    if request.method == "POST":
        rules = form.rules()
        if form.is_valid():
            try:
                if segment is None:
                    segment = network_followups.segment_create(
                        brand=brand,
                        name=form.cleaned_data["name"],
                        rules=rules,
                        description=form.cleaned_data["description"],
                    )
                    messages.success(request, _("Segment created."))
                else:
                    segment = network_followups.segment_update(
                        segment=segment,
                        name=form.cleaned_data["name"],
                        rules=rules,
                        description=form.cleaned_data["description"],
                    )
                    messages.success(request, _("Segment saved."))
                services.segment_public_label_set(
                    segment=segment, public_label=form.cleaned_data["public_label"]
                )
            except ApplicationError as exc:
                form.add_error("name" if exc.extra.get("field") == "name" else None, exc.message)
            else:
                return redirect("network:segment_detail", pk=segment.pk)
    else:
        rules = current
    return render(
        request,
        "network/segment_form.html",
        {"form": form, "segment": segment, **_preview(brand, rules, segment)},
    )


@login_required
def segment_create(request: AuthedRequest) -> HttpResponse:
    return _segment_form_page(request, None)


@login_required
def segment_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _segment_form_page(request, _brand_segment(request, pk))


@login_required
def segment_preview(request: AuthedRequest) -> HttpResponse:
    """htmx: the live member count and a sample, for the rules currently ticked in the editor."""
    brand = access_brand_staff(request.user)
    form = SegmentForm(request.GET, brand=brand)
    segment_id = request.GET.get("segment_id", "")
    segment = (
        selectors.segment_find(brand=brand, segment_id=int(segment_id)) if segment_id.isdigit() else None
    )
    return render(request, "network/partials/segment_preview.html", _preview(brand, form.rules(), segment))


@login_required
def segment_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    segment = _brand_segment(request, pk)
    at_date = parse_date(request.GET.get("at", "") or "")
    members_at_count = None
    if at_date:
        at = timezone.make_aware(datetime.combine(at_date, time.max))
        members_at_count = selectors.segment_members_at(segment=segment, at=at).count()
    members = selectors.segment_members_at(segment=segment, at=timezone.now()).select_related("parent")
    page = Paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "network/segment_detail.html",
        {
            "segment": segment,
            "rules_shown": rules_display(segment.rules),
            "page": page,
            "moves": selectors.segment_recent_moves(segment=segment),
            "at_date": at_date,
            "members_at_count": members_at_count,
            "can_delete": request.user.role == Role.BRAND_ADMIN,
        },
    )


@login_required
@require_POST
def segment_recompute(request: AuthedRequest, pk: int) -> HttpResponse:
    segment = _brand_segment(request, pk)
    result = network_followups.segment_memberships_refresh(brand=segment.brand, segment=segment)
    messages.success(
        request,
        _("Members updated: %(opened)d joined, %(closed)d left.")
        % {"opened": result["opened"], "closed": result["closed"]},
    )
    return redirect("network:segment_detail", pk=segment.pk)


@login_required
@require_POST
def segment_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    segment = _brand_segment(request, pk)
    access_brand_admin(request.user)
    name = segment.name
    services.segment_delete(segment=segment)
    messages.success(request, _("Segment “%(name)s” deleted.") % {"name": name})
    return redirect("network:segment_list")


# --- partner portal ---------------------------------------------------------------------------------


def _site_form_page(
    request: AuthedRequest, partner: PartnerCompany, site: Site | None, back_url: str, portal: bool
) -> HttpResponse:
    """The site form, shared by the back office and the portal; access is checked by the caller."""
    initial = (
        {f: getattr(site, f) for f in SiteForm.base_fields}
        if site
        else {"country": partner.country, "region": partner.region}
    )
    form = SiteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if site is None:
                services.site_create(partner=partner, **form.cleaned_data)
                messages.success(request, _("Site added."))
            else:
                services.site_update(site=site, **form.cleaned_data)
                messages.success(request, _("Site saved."))
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect(back_url)
    return render(
        request,
        "network/site_form.html",
        {"partner": partner, "form": form, "site": site, "back_url": back_url, "portal": portal},
    )


@login_required
def portal_site_create(request: AuthedRequest) -> HttpResponse:
    partner = access_partner_admin(request.user)
    return _site_form_page(request, partner, None, reverse("network:portal_home"), portal=True)


@login_required
def portal_site_edit(request: AuthedRequest, site_pk: int) -> HttpResponse:
    partner = access_partner_admin(request.user)
    site = selectors.site_get(partner=partner, site_id=site_pk)
    return _site_form_page(request, partner, site, reverse("network:portal_home"), portal=True)


@login_required
def portal_home(request: AuthedRequest) -> HttpResponse:
    partner = access_partner_user(request.user)
    is_admin = request.user.role == Role.PARTNER_ADMIN
    return render(
        request,
        "network/portal_home.html",
        {
            "partner": partner,
            "country_name": country_label(partner.country),
            "sites": selectors.partner_sites(partner=partner),
            "users": users_of_partner(partner=partner),
            "is_partner_admin": is_admin,
            "invitations": invitations_pending_for_partner(partner=partner) if is_admin else [],
            "invite_form": InvitationForm(inviter=request.user) if is_admin else None,
            "can_manage_users": is_admin,
            "manageable_roles": [Role.PARTNER_SELLER],
            "sections": portal_sections(request=request, partner=partner),
        },
    )

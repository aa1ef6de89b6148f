"""Pages of seasonal promotions: the brand's list, editor and uptake (with what the promotion changed), and
the partner portal's current and upcoming promotions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.accounts.access import access_brand_staff, access_partner_user
from relais.accounts.types import AuthedRequest
from relais.core.errors import ApplicationError
from relais.insights.selectors.promotion_impact import promotion_impact_find
from relais.promotions import selectors, services
from relais.promotions.forms import PromotionForm
from relais.promotions.models import Promotion, PromotionStatus


@login_required
def promotion_list(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    return render(
        request,
        "promotions/list.html",
        {"promotions": selectors.promotion_list(brand=brand), "form": PromotionForm(brand=brand)},
    )


@login_required
@require_POST
def promotion_new(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    form = PromotionForm(request.POST, brand=brand)
    if form.is_valid():
        try:
            promotion = services.promotion_save(brand=brand, created_by=request.user, **form.service_kwargs())
        except ApplicationError as exc:
            form.add_error(
                exc.extra.get("field") if exc.extra.get("field") in form.fields else None, exc.message
            )
        else:
            messages.success(request, _("Promotion saved as a draft."))
            return redirect("promotions:detail", promotion_id=promotion.pk)
    return render(
        request, "promotions/list.html", {"promotions": selectors.promotion_list(brand=brand), "form": form}
    )


def _initial(promotion: Promotion) -> dict[str, object]:
    return {
        "name": promotion.name,
        "description": promotion.description,
        "announce_from": promotion.announce_from,
        "start": promotion.start,
        "end": promotion.end,
        "product_gtins": " ".join(promotion.product_gtins),
        "families": ", ".join(promotion.families),
        "segments": list(promotion.segments.all()),
        "points_per_unit": promotion.points_per_unit,
        "bonus_reward": promotion.bonus_reward,
        "bonus_threshold_units": promotion.bonus_threshold_units,
        "price_message": promotion.price_message,
    }


@login_required
def promotion_detail(request: AuthedRequest, promotion_id: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    promotion = selectors.promotion_get(brand=brand, promotion_id=promotion_id)
    form = PromotionForm(brand=brand, initial=_initial(promotion))
    if request.method == "POST" and promotion.status == PromotionStatus.DRAFT:
        form = PromotionForm(request.POST, brand=brand)
        if form.is_valid():
            try:
                services.promotion_save(brand=brand, promotion=promotion, **form.service_kwargs())
            except ApplicationError as exc:
                field = exc.extra.get("field")
                form.add_error(field if field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Promotion saved."))
                return redirect("promotions:detail", promotion_id=promotion.pk)
    return render(
        request,
        "promotions/detail.html",
        {
            "promotion": promotion,
            "form": form,
            "uptake": selectors.promotion_uptake(promotion=promotion),
            "impact": promotion_impact_find(promotion=promotion),
            "phase": selectors.promotion_phase_of(promotion=promotion, today=timezone.localdate()),
        },
    )


@login_required
@require_POST
def promotion_status(request: AuthedRequest, promotion_id: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    promotion = selectors.promotion_get(brand=brand, promotion_id=promotion_id)
    try:
        if request.POST.get("action") == "close":
            services.promotion_close(promotion=promotion)
            messages.success(request, _("Promotion closed: partners no longer see it."))
        else:
            services.promotion_publish(promotion=promotion)
            messages.success(
                request, _("Promotion published: its partners see it from its announcement date.")
            )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("promotions:detail", promotion_id=promotion.pk)


@login_required
def my_promotions(request: AuthedRequest) -> HttpResponse:
    partner = access_partner_user(request.user)
    items = selectors.partner_promotions(partner=partner, today=timezone.localdate())
    return render(
        request,
        "promotions/mine.html",
        {
            "current": [i for i in items if i.phase == "current"],
            "upcoming": [i for i in items if i.phase == "upcoming"],
        },
    )

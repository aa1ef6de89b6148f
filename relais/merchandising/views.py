"""Pages of merchandising: the brand's POS catalogue, orders (approve, refuse, ship, export), checklists,
visits to review and compliance; the partner's catalogue and orders, and its store visits (phone-first)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.accounts.access import access_brand_for_user, access_brand_staff, access_partner_user
from relais.accounts.types import AuthedRequest
from relais.core.errors import ApplicationError
from relais.merchandising import exports, selectors, services
from relais.merchandising.forms import ChecklistForm, OrderForm, PosItemForm
from relais.merchandising.models import ChecklistItem, PosItem, PosOrder, StoreVisit, VisitAnswer


def _field(form: object, exc: ApplicationError) -> str | None:
    field = exc.extra.get("field")
    return field if field in getattr(form, "fields", {}) else None


# -- Brand: POS items and orders ---------------------------------------------------------------------------------


@login_required
def item_list(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    form = PosItemForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pos_item_save(brand=brand, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(_field(form, exc), exc.message)
        else:
            messages.success(request, _("Item saved."))
            return redirect("merchandising:items")
    return render(
        request, "merchandising/items.html", {"items": selectors.pos_item_list(brand=brand), "form": form}
    )


@login_required
def item_edit(request: AuthedRequest, item_id: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    item = selectors.pos_item_get(brand=brand, item_id=item_id)
    initial = {
        "name": item.name,
        "description": item.description,
        "stock": item.stock,
        "per_partner_limit": item.per_partner_limit,
        "points_price": item.points_price,
        "is_active": item.is_active,
    }
    form = PosItemForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.pos_item_save(brand=brand, item=item, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(_field(form, exc), exc.message)
        else:
            messages.success(request, _("Item saved."))
            return redirect("merchandising:items")
    return render(request, "merchandising/item_edit.html", {"item": item, "form": form})


@login_required
def item_photo(request: AuthedRequest, item_id: int) -> FileResponse:
    access_brand_for_user(request.user)
    item = selectors.item_photo_get(user=request.user, item_id=item_id)
    return FileResponse(item.photo.open("rb"), content_type=_photo_type(item.photo.name or ""))


@login_required
def order_list(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    status = request.GET.get("status", "")
    status = status if status in PosOrder.Status.values else ""
    return render(
        request,
        "merchandising/orders.html",
        {
            "orders": selectors.pos_order_list(brand=brand, status=status)[:500],
            "status": status,
            "statuses": PosOrder.Status.choices,
        },
    )


@login_required
def order_export(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    response = HttpResponse(
        exports.orders_csv(selectors.pos_order_list(brand=brand)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="pos-orders.csv"'
    return response


@login_required
@require_POST
def order_action(request: AuthedRequest, order_id: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    order = selectors.pos_order_get(brand=brand, order_id=order_id)
    action = request.POST.get("action")
    try:
        if action == "approve":
            services.pos_order_approve(order=order, user=request.user)
        elif action == "refuse":
            services.pos_order_refuse(order=order, user=request.user, reason=request.POST.get("reason", ""))
        elif action == "ship":
            services.pos_order_ship(order=order, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Order updated."))
    return redirect("merchandising:orders")


# -- Brand: checklists, visits, compliance -----------------------------------------------------------------------


@login_required
def checklist_list(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    form = ChecklistForm(request.POST or None, brand=brand)
    if request.method == "POST" and form.is_valid():
        try:
            services.checklist_save(brand=brand, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(_field(form, exc), exc.message)
        else:
            messages.success(request, _("Checklist saved."))
            return redirect("merchandising:checklists")
    return render(
        request,
        "merchandising/checklists.html",
        {"checklists": selectors.checklist_list(brand=brand).prefetch_related("items"), "form": form},
    )


@login_required
def visit_list(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    return render(
        request,
        "merchandising/visits.html",
        {
            "pending": selectors.visit_list(brand=brand, status=StoreVisit.Status.SUBMITTED)[:200],
            "reviewed": selectors.visit_list(brand=brand, status=StoreVisit.Status.REVIEWED)[:50],
        },
    )


@login_required
def visit_detail(request: AuthedRequest, visit_id: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    visit = selectors.visit_get(brand=brand, visit_id=visit_id)
    answers = list(selectors.visit_answers(visit=visit))
    if request.method == "POST":
        decisions = {
            a.pk: (request.POST.get(f"decision_{a.pk}") == "accept", request.POST.get(f"comment_{a.pk}", ""))
            for a in answers
            if request.POST.get(f"decision_{a.pk}") in {"accept", "reject"}
        }
        try:
            services.visit_review(visit=visit, decisions=decisions, user=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Review saved."))
            return redirect("merchandising:visit_detail", visit_id=visit.pk)
    return render(
        request, "merchandising/visit_detail.html", {"visit": visit, "answers": answers, "brand_view": True}
    )


@login_required
def compliance(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    return render(request, "merchandising/compliance.html", {"compliance": selectors.compliance(brand=brand)})


# -- Photos (the visit's partner and its brand only) -------------------------------------------------------------


def _photo_type(name: str) -> str:
    return "image/png" if name.lower().endswith(".png") else "image/jpeg"


@login_required
def answer_photo(request: AuthedRequest, answer_id: int) -> FileResponse:
    access_brand_for_user(request.user)
    answer: VisitAnswer = selectors.answer_photo_get(user=request.user, answer_id=answer_id)
    response = FileResponse(
        answer.photo.open("rb"), content_type=answer.photo_type or _photo_type(answer.photo.name or "")
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- Partner portal ----------------------------------------------------------------------------------------------


@login_required
def my_items(request: AuthedRequest) -> HttpResponse:
    partner = access_partner_user(request.user)
    items: list[PosItem] = list(selectors.pos_item_list(brand=partner.brand, active_only=True))
    return render(
        request,
        "merchandising/my_items.html",
        {
            "items": items,
            "form": OrderForm(initial={"idempotency_key": uuid.uuid4().hex}),
            "orders": selectors.partner_pos_orders(partner=partner)[:20],
        },
    )


@login_required
@require_POST
def my_order(request: AuthedRequest, item_id: int) -> HttpResponse:
    partner = access_partner_user(request.user)
    item = selectors.pos_item_get(brand=partner.brand, item_id=item_id, active_only=True)
    form = OrderForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a quantity between 1 and 1000."))
        return redirect("merchandising:my_items")
    try:
        services.pos_order_request(
            partner=partner,
            item=item,
            quantity=form.cleaned_data["quantity"],
            user=request.user,
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    except ApplicationError as exc:
        messages.error(request, f"{item.name}: {exc.message}")
    else:
        messages.success(request, _("Order sent: the brand will confirm it."))
    return redirect("merchandising:my_items")


@login_required
def my_visits(request: AuthedRequest) -> HttpResponse:
    partner = access_partner_user(request.user)
    return render(
        request,
        "merchandising/my_visits.html",
        {
            "checklists": selectors.checklist_list(brand=partner.brand, active_only=True),
            "visits": selectors.partner_visits(partner=partner)[:50],
            "compliance": selectors.compliance(brand=partner.brand, partner=partner)["programs"],
        },
    )


@login_required
def visit_new(request: AuthedRequest, checklist_id: int) -> HttpResponse:
    partner = access_partner_user(request.user)
    checklist = selectors.checklist_get(brand=partner.brand, checklist_id=checklist_id, active_only=True)
    items = list(checklist.items.all())
    error = ""
    if request.method == "POST":
        visited_on = parse_date(request.POST.get("visited_on", "")) or timezone.localdate()
        try:
            visit = services.visit_submit(
                partner=partner,
                checklist=checklist,
                visited_on=visited_on,
                answers={i.pk: request.POST.get(f"item_{i.pk}", "") for i in items},
                photos=_photos(request, items),
                user=request.user,
                note=request.POST.get("note", ""),
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, _("Visit sent: the brand will review it."))
            return redirect("merchandising:my_visit", visit_id=visit.pk)
    return render(
        request,
        "merchandising/visit_new.html",
        {
            "checklist": checklist,
            "items": items,
            "error": error,
            "today": timezone.localdate(),
            "posted": request.POST,
        },
        status=400 if error else 200,
    )


def _photos(request: AuthedRequest, items: list[ChecklistItem]) -> dict[int, UploadedFile]:
    """The photos sent with a visit, by checklist item."""
    photos = {}
    for item in items:
        upload = request.FILES.get(f"photo_{item.pk}")
        if isinstance(upload, UploadedFile):
            photos[item.pk] = upload
    return photos


@login_required
def my_visit(request: AuthedRequest, visit_id: int) -> HttpResponse:
    partner = access_partner_user(request.user)
    visit = selectors.partner_visit_get(partner=partner, visit_id=visit_id)
    return render(
        request,
        "merchandising/visit_detail.html",
        {"visit": visit, "answers": selectors.visit_answers(visit=visit), "brand_view": False},
    )

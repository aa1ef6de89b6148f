"""Brand pages of communications: campaigns (write, target, schedule, figures) and the sales-aid library
(items, versions, approval, views and downloads per partner). Views stay thin. The campaigns list is in
``views`` (it reads the reminders' effect from insights, a floor above, as entry points may)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.accounts.access import access_brand_staff
from relais.accounts.types import AuthedRequest
from relais.comms import selectors, services
from relais.comms.forms import CampaignForm, ContentItemForm, ContentVersionForm, ScheduleForm
from relais.comms.models import Message
from relais.comms.rendering import markdown_html
from relais.core.errors import ApplicationError


def _campaign_initial(message: Message) -> dict[str, Any]:
    return {
        "kind": message.kind,
        "category": message.category,
        "subject_fr": message.subject_fr,
        "body_fr": message.body_fr,
        "subject_en": message.subject_en,
        "body_en": message.body_en,
        "segments": list(message.segments.all()),
        "partner_kinds": message.partner_kinds,
        "countries": ", ".join(message.countries),
        "roles": message.roles,
        "content_items": list(message.content_items.all()),
    }


@login_required
def campaign_edit(request: AuthedRequest, message_id: int | None = None) -> HttpResponse:
    brand = access_brand_staff(request.user)
    message = selectors.campaign_get(brand=brand, message_id=message_id) if message_id else None
    initial = _campaign_initial(message) if message else {"kind": "announcement", "category": "transactional"}
    form = CampaignForm(request.POST or None, brand=brand, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            message = services.campaign_save(
                brand=brand,
                user=request.user,
                fields=data,
                segments=list(data["segments"]),
                content_items=list(data["content_items"]),
                message=message,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("comms:campaign_detail", message_id=message.pk)
    return render(request, "comms/campaign_form.html", {"form": form, "message": message})


@login_required
def campaign_detail(request: AuthedRequest, message_id: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    message = selectors.campaign_get(brand=brand, message_id=message_id)
    context = {
        "message": message,
        "figures": selectors.campaign_figures(message=message),
        "html_fr": markdown_html(message.body_fr),
        "html_en": markdown_html(message.body_en),
        "schedule_form": ScheduleForm(),
        "bounced": selectors.campaign_bounced(message=message),
        "reach": selectors.campaign_recipients(message=message).count()
        if message.recipients_resolved_at is None
        else None,
    }
    return render(request, "comms/campaign_detail.html", context)


@login_required
@require_POST
def campaign_send(request: AuthedRequest, message_id: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    message = selectors.campaign_get(brand=brand, message_id=message_id)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            message = services.campaign_schedule(message=message, at=form.cleaned_data["at"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            if message.status == Message.Status.SCHEDULED:
                messages.success(request, _("The campaign is scheduled."))
            else:
                messages.success(request, _("The campaign is being sent."))
    return redirect("comms:campaign_detail", message_id=message.pk)


@login_required
def library_list(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    return render(request, "comms/brand_library.html", {"items": selectors.content_list_brand(brand=brand)})


@login_required
def library_new(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    form = ContentItemForm(request.POST or None, brand=brand)
    version_form = ContentVersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and version_form.is_valid():
        data, version = form.cleaned_data, version_form.cleaned_data
        try:
            item = services.content_item_save(
                brand=brand, user=request.user, fields=data, segments=list(data["segments"])
            )
            services.content_version_add(item=item, user=request.user, **version)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("comms:brand_library_detail", item_id=item.pk)
    return render(request, "comms/brand_library_form.html", {"form": form, "version_form": version_form})


@login_required
def library_detail(request: AuthedRequest, item_id: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    item = selectors.content_get_brand(brand=brand, item_id=item_id)
    version_form = ContentVersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and version_form.is_valid():
        try:
            services.content_version_add(item=item, user=request.user, **version_form.cleaned_data)
        except ApplicationError as exc:
            version_form.add_error(None, exc.message)
        else:
            messages.success(request, _("The new version awaits approval."))
            return redirect("comms:brand_library_detail", item_id=item.pk)
    context = {
        "item": item,
        "versions": item.versions.all(),
        "version_form": version_form,
        "by_partner": selectors.content_counts_by_partner(item=item),
    }
    return render(request, "comms/brand_library_detail.html", context)


@login_required
@require_POST
def library_action(request: AuthedRequest, item_id: int, action: str) -> HttpResponse:
    brand = access_brand_staff(request.user)
    item = selectors.content_get_brand(brand=brand, item_id=item_id)
    try:
        if action == "approve":
            services.content_item_approve(item=item, user=request.user)
            messages.success(request, _("The sales aid is published."))
        elif action == "archive":
            services.content_item_archive(item=item)
            messages.success(request, _("The sales aid is withdrawn."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("comms:brand_library_detail", item_id=item.pk)

"""Partner pages of communications: the inbox, the sales-aid library, notification preferences, and the
unsubscribe link of marketing e-mails (no login: the signed token says who); and the brand's campaigns
list with its reminders' effect (the other brand pages are in ``views_brand``). Views stay thin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from relais.accounts.access import access_brand_staff, access_partner_user
from relais.accounts.models import User
from relais.accounts.types import AuthedRequest
from relais.comms import selectors, services
from relais.comms.forms import LibrarySearchForm
from relais.comms.models import ContentEvent, EmailFrequency, Message
from relais.comms.rendering import language_of, message_render
from relais.core.errors import ApplicationError
from relais.insights.selectors.reminder_impact import reminder_impacts


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    access_partner_user(request.user)
    page = Paginator(selectors.inbox_list(user=request.user), 20).get_page(request.GET.get("page"))
    language = language_of(request.LANGUAGE_CODE)
    rows = [(d, message_render(message=d.message, language=language)) for d in page]
    return render(request, "comms/inbox.html", {"page": page, "rows": rows})


@login_required
def inbox_detail(request: AuthedRequest, delivery_id: int) -> HttpResponse:
    partner = access_partner_user(request.user)
    delivery = services.delivery_mark_read(
        delivery=selectors.delivery_get(user=request.user, delivery_id=delivery_id)
    )
    rendered = message_render(message=delivery.message, language=language_of(request.LANGUAGE_CODE))
    visible = selectors.content_list_partner(partner=partner).values_list("pk", flat=True)
    items = delivery.message.content_items.filter(pk__in=visible)
    return render(
        request, "comms/inbox_detail.html", {"delivery": delivery, "rendered": rendered, "items": items}
    )


@login_required
@require_POST
def inbox_read_all(request: AuthedRequest) -> HttpResponse:
    access_partner_user(request.user)
    services.deliveries_mark_all_read(user=request.user)
    return redirect("comms:inbox")


@login_required
def preferences(request: AuthedRequest) -> HttpResponse:
    if not (request.user.is_partner_user or request.user.is_brand_user):
        raise Http404
    rows = selectors.preference_list(user=request.user)
    if request.method == "POST" and "address-works" in request.POST:
        services.address_bounce_clear(user=request.user)
        messages.success(request, _("E-mails will be sent to your address again."))
        return redirect("comms:preferences")
    if request.method == "POST":
        try:
            for row in rows:
                services.preference_set(
                    user=request.user,
                    kind=row["kind"],
                    in_portal=f"portal-{row['kind']}" in request.POST,
                    by_email=f"email-{row['kind']}" in request.POST,
                    email_frequency=request.POST.get(f"frequency-{row['kind']}", EmailFrequency.IMMEDIATE),
                )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your preferences are saved."))
        return redirect("comms:preferences")
    context = {
        "rows": rows,
        "frequencies": EmailFrequency.choices,
        "bounce": selectors.address_bounce_find(email=request.user.email),
    }
    return render(request, "comms/preferences.html", context)


@login_required
def library(request: AuthedRequest) -> HttpResponse:
    partner = access_partner_user(request.user)
    form = LibrarySearchForm(request.GET or None)
    query = kind = ""
    if form.is_valid():
        query, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
    items = selectors.content_list_partner(
        partner=partner, language=language_of(request.LANGUAGE_CODE), query=query, kind=kind
    )
    page = Paginator(items, 20).get_page(request.GET.get("page"))
    return render(request, "comms/library.html", {"page": page, "form": form})


@login_required
def library_item(request: AuthedRequest, item_id: int) -> HttpResponse:
    partner = access_partner_user(request.user)
    item = selectors.content_get_partner(partner=partner, item_id=item_id)
    services.content_event_record(item=item, partner=partner, user=request.user, kind=ContentEvent.Kind.VIEW)
    return render(request, "comms/library_item.html", {"item": item, "version": item.current_version})


@login_required
def library_download(request: AuthedRequest, item_id: int) -> HttpResponse | FileResponse:
    """The sales aid itself: the co-branded PDF made now, the file, or the link; counted per partner
    (and per campaign when reached from one, ``?m=<message id>``)."""
    partner = access_partner_user(request.user)
    item = selectors.content_get_partner(partner=partner, item_id=item_id)
    version = item.current_version
    assert version is not None  # content_list_partner only lists items with a current version
    message_id = request.GET.get("m", "")
    message = (
        Message.objects.filter(pk=int(message_id), brand_id=partner.brand_id).first()
        if message_id.isdigit()
        else None
    )
    if item.co_branded:
        try:
            pdf = services.content_cobranded_pdf(item=item, partner=partner, user=request.user)
        except ApplicationError as exc:
            raise Http404 from exc
        services.content_event_record(
            item=item, partner=partner, user=request.user, kind=ContentEvent.Kind.DOWNLOAD, message=message
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="{slugify(item.title) or "sales-aid"}-{slugify(partner.name)}.pdf"'
        )
        return response
    services.content_event_record(
        item=item, partner=partner, user=request.user, kind=ContentEvent.Kind.DOWNLOAD, message=message
    )
    if version.file:
        return FileResponse(
            version.file.open("rb"), as_attachment=True, filename=(version.file.name or "").rsplit("/", 1)[-1]
        )
    if version.url:
        return redirect(version.url)
    return redirect("comms:library_item", item_id=item.pk)


@csrf_exempt  # mail clients' one-click unsubscribe (RFC 8058) posts without a CSRF token; the token is signed
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    user_id = services.unsubscribe_user_id(token=token)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        raise Http404
    done = False
    if request.method == "POST":
        services.marketing_unsubscribe(user=user)
        done = True
    return render(request, "comms/unsubscribe.html", {"done": done, "email": user.email})


@login_required
def campaign_list(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    reminders = selectors.reminder_outcomes(brand=brand)
    impacts = reminder_impacts(brand=brand)
    for row in reminders:
        row["impact"] = impacts.get(row["message"].pk)
    context = {"campaigns": selectors.campaign_list(brand=brand)[:100], "reminders": reminders}
    return render(request, "comms/campaign_list.html", context)

"""The brand admin's webhooks page: endpoints (secret shown once), recent deliveries and their attempts,
replay; and, with the API keys page, the brand's integrations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.accounts.access import access_brand_admin
from relais.accounts.types import AuthedRequest
from relais.core.errors import ApplicationError
from relais.webhooks.forms import WebhookEndpointForm
from relais.webhooks.models import WebhookEvent
from relais.webhooks.selectors import (
    webhook_delivery_get,
    webhook_delivery_list,
    webhook_endpoint_get,
    webhook_endpoint_list,
)
from relais.webhooks.services import (
    MAX_ATTEMPTS,
    webhook_delivery_replay,
    webhook_endpoint_create,
    webhook_endpoint_set_active,
)


@login_required
def webhook_list(request: AuthedRequest) -> HttpResponse:
    """Endpoints and recent deliveries; POST adds an endpoint and shows its secret once."""
    brand = access_brand_admin(request.user)
    new_secret = None
    form = WebhookEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _endpoint, new_secret = webhook_endpoint_create(
                brand=brand,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
                created_by=request.user,
            )
        except ApplicationError as exc:
            form.add_error("url", exc.message)
        else:
            form = WebhookEndpointForm()
    response = render(
        request,
        "webhooks/webhook_list.html",
        {
            "form": form,
            "new_secret": new_secret,
            "endpoints": webhook_endpoint_list(brand=brand),
            "deliveries": webhook_delivery_list(brand=brand),
            "event_labels": dict(WebhookEvent.choices),
            "max_attempts": MAX_ATTEMPTS,
        },
    )
    if new_secret:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def webhook_endpoint_toggle(request: AuthedRequest, endpoint_id: int) -> HttpResponse:
    brand = access_brand_admin(request.user)
    endpoint = webhook_endpoint_get(brand=brand, endpoint_id=endpoint_id)
    webhook_endpoint_set_active(endpoint=endpoint, active=not endpoint.is_active, user=request.user)
    return redirect("webhooks:list")


@login_required
@require_POST
def webhook_delivery_replay_view(request: AuthedRequest, delivery_id: int) -> HttpResponse:
    brand = access_brand_admin(request.user)
    webhook_delivery_replay(
        delivery=webhook_delivery_get(brand=brand, delivery_id=delivery_id), user=request.user
    )
    messages.success(request, _("The delivery is sent again."))
    return redirect("webhooks:list")

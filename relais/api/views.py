"""Pages for API keys: a partner admin's (portal) and a brand admin's (brand endpoints)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.accounts.access import access_brand_admin, access_partner_admin
from relais.accounts.types import AuthedRequest
from relais.api.forms import ApiKeyCreateForm, BrandApiKeyCreateForm
from relais.api.models import BrandScope
from relais.api.selectors import api_key_get, api_key_list, brand_api_key_get, brand_api_key_list
from relais.api.services import api_key_create, api_key_revoke, brand_api_key_create, brand_api_key_revoke
from relais.core.errors import ApplicationError


@login_required
def api_key_list_view(request: AuthedRequest) -> HttpResponse:
    """List the keys; POST creates one and shows its full text once, on this response only."""
    partner = access_partner_admin(request.user)
    new_key_text = None
    form = ApiKeyCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _api_key, new_key_text = api_key_create(
                partner=partner, name=form.cleaned_data["name"], created_by=request.user
            )
        except ApplicationError as exc:
            form.add_error("name", exc.message)
        else:
            form = ApiKeyCreateForm()
    response = render(
        request,
        "api/api_key_list.html",
        {"keys": api_key_list(partner=partner), "form": form, "new_key_text": new_key_text},
    )
    if new_key_text:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_key_revoke_view(request: AuthedRequest, api_key_id: int) -> HttpResponse:
    partner = access_partner_admin(request.user)
    api_key = api_key_revoke(api_key=api_key_get(partner=partner, api_key_id=api_key_id), user=request.user)
    messages.success(request, _("The key “%(name)s” is revoked.") % {"name": api_key.name})
    return redirect("apikeys:list")


@login_required
def brand_api_key_list_view(request: AuthedRequest) -> HttpResponse:
    """The brand admin's keys for the brand endpoints; POST creates one and shows it once."""
    brand = access_brand_admin(request.user)
    new_key_text = None
    form = BrandApiKeyCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _api_key, new_key_text = brand_api_key_create(
                brand=brand,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                created_by=request.user,
            )
        except ApplicationError as exc:
            form.add_error("name", exc.message)
        else:
            form = BrandApiKeyCreateForm()
    response = render(
        request,
        "api/brand_api_key_list.html",
        {
            "keys": brand_api_key_list(brand=brand),
            "form": form,
            "new_key_text": new_key_text,
            "scope_labels": dict(BrandScope.choices),
        },
    )
    if new_key_text:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def brand_api_key_revoke_view(request: AuthedRequest, api_key_id: int) -> HttpResponse:
    brand = access_brand_admin(request.user)
    api_key = brand_api_key_revoke(
        api_key=brand_api_key_get(brand=brand, api_key_id=api_key_id), user=request.user
    )
    messages.success(request, _("The key “%(name)s” is revoked.") % {"name": api_key.name})
    return redirect("webhooks:brand_api_keys")

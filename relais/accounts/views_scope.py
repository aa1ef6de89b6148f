"""The brand admin sets a channel manager's scope (countries, segments): the partners it sees and acts on."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from relais.accounts.access import access_brand_admin, access_partner_admin
from relais.accounts.forms_scope import ChannelScopeForm
from relais.accounts.models import Role, User
from relais.accounts.scopes import brand_user_scope_find, brand_user_scope_set, partner_sellers_visibility_set
from relais.accounts.types import AuthedRequest
from relais.core.errors import ApplicationError


@login_required
def user_scope_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET the scope form of a channel manager of the admin's brand (404 for anyone else); POST sets it."""
    brand = access_brand_admin(request.user)
    manager = User.objects.filter(pk=pk, brand=brand, role=Role.CHANNEL_MANAGER).first()
    if manager is None:
        raise Http404
    scope = brand_user_scope_find(user=manager)
    initial = {
        "countries": ", ".join(scope.countries) if scope else "",
        "segments": list(scope.segments.all()) if scope else [],
    }
    form = ChannelScopeForm(request.POST or None, brand=brand, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            brand_user_scope_set(
                user=manager,
                countries=form.country_codes,
                segment_ids=[s.pk for s in form.cleaned_data["segments"]],
                by=request.user,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The scope of %(user)s is saved.") % {"user": manager.display_name})
            return redirect("accounts:user_scope", pk=manager.pk)
    return render(request, "accounts/user_scope.html", {"form": form, "manager": manager})


@login_required
def sellers_visibility_view(request: AuthedRequest) -> HttpResponse:
    """The partner's admin decides whether its sellers see all the company's declarations or their own."""
    partner = access_partner_admin(request.user)
    if request.method == "POST":
        allowed = request.POST.get("allowed") == "on"
        partner_sellers_visibility_set(partner=partner, allowed=allowed, by=request.user)
        messages.success(request, _("Saved: what your sellers see."))
        return redirect("accounts:sellers_visibility")
    return render(request, "accounts/sellers_visibility.html", {"partner": partner})

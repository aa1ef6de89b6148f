"""Switching the brand a person works in (one of its memberships)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.accounts.memberships import membership_activate
from relais.accounts.types import AuthedRequest
from relais.core.errors import ApplicationError


@login_required
@require_POST
def membership_switch_view(request: AuthedRequest) -> HttpResponse:
    """Work in the brand of the chosen membership, then start from its home page."""
    try:
        membership_id = int(request.POST.get("membership", ""))
        user = membership_activate(user=request.user, membership_id=membership_id)
    except (ValueError, ApplicationError) as exc:
        raise Http404 from exc
    messages.success(
        request, _("You now work in %(brand)s.") % {"brand": user.brand.name if user.brand else ""}
    )
    return redirect("home")

"""Switching the brand a person works in (one of its memberships), for this browser session only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.accounts.memberships import ACTIVE_MEMBERSHIP_SESSION_KEY, membership_apply, membership_get
from relais.accounts.types import AuthedRequest
from relais.core.errors import ApplicationError


@login_required
@require_POST
def membership_switch_view(request: AuthedRequest) -> HttpResponse:
    """Work in the brand of the chosen membership in this session (other sessions of the person keep
    theirs), then start from its home page."""
    try:
        membership = membership_get(user=request.user, membership_id=int(request.POST.get("membership", "")))
    except (ValueError, ApplicationError) as exc:
        raise Http404 from exc
    request.session[ACTIVE_MEMBERSHIP_SESSION_KEY] = membership.pk
    membership_apply(user=request.user, membership=membership)
    messages.success(request, _("You now work in %(brand)s.") % {"brand": membership.brand.name})
    return redirect("home")

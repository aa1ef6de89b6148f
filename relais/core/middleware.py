"""Response headers every page carries beyond Django's own security middleware."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from relais.core.models import Brand


class ContentSecurityPolicyMiddleware:
    """Set ``Content-Security-Policy`` from ``RELAIS_CONTENT_SECURITY_POLICY`` on every response that has
    none yet (a view may set a stricter one). An empty setting sends no header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "RELAIS_CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class SuspendedBrandMiddleware:
    """A user of a suspended brand (``Brand.is_active`` false) is logged out and shown why, on any page.

    The brand is read once per request of a logged-in brand or partner user and left on ``request.user`` for
    the views (which read it anyway); operators and visitors cost nothing.
    The login form's own check is not enough: a session opened before the suspension must end with it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        brand_id = getattr(user, "brand_id", None) if user is not None and user.is_authenticated else None
        if brand_id is not None:
            brand = Brand.objects.filter(pk=brand_id).first()
            if brand is None or not brand.is_active:
                logout(request)
                return render(request, "core/brand_suspended.html", status=403)
            # The brand the views read next (access_brand_for_user): fetched once, here.
            user.brand = brand  # type: ignore[union-attr]
        return self.get_response(request)

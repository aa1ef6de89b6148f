"""``Authorization: Bearer rk_<prefix>_<secret>``: the API key authenticates a partner company;
``Authorization: Bearer rb_<prefix>_<secret>``: a brand key authenticates a brand on the brand endpoints.

The two kinds are told apart by their first part before any lookup: ``api_key_auth`` accepts ``rk_`` keys
only and ``BrandKeyAuth`` ``rb_`` keys only, so neither key reaches the other's endpoints.
"""

from __future__ import annotations

import hmac
from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer

from relais.api.models import ApiKey, BrandApiKey
from relais.api.services import BRAND_KEY_PREFIX, KEY_PREFIX, api_key_hash
from relais.core.models import Brand
from relais.network.models import PartnerCompany

# last_used_at is written at most this often per key, so a busy integration does not write on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def api_key_from_text(text: str) -> ApiKey | None:
    """The active key ``text`` stands for, or None (unknown, malformed, revoked, inactive partner or brand)."""
    parts = text.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    api_key = (
        ApiKey.objects.select_related("partner", "brand")
        .filter(prefix=parts[1], revoked_at__isnull=True)
        .first()
    )
    if api_key is None or not hmac.compare_digest(api_key.secret_hash, api_key_hash(parts[2])):
        return None
    if not api_key.partner.is_active or not api_key.brand.is_active:
        return None
    return api_key


class ApiKeyAuth(HttpBearer):
    """django-ninja authentication: ``request.auth`` is the ``ApiKey``."""

    openapi_description = "A partner API key, `rk_<prefix>_<secret>`, created in the portal (page API keys)."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_key = api_key_from_text(token)
        if api_key is None:
            return None
        now = timezone.now()
        if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_RESOLUTION:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
            api_key.last_used_at = now
        return api_key


api_key_auth = ApiKeyAuth()


def request_partner(request: HttpRequest) -> PartnerCompany:
    """The partner company behind an authenticated API request."""
    api_key: ApiKey = request.auth  # type: ignore[attr-defined]
    return api_key.partner


def brand_api_key_from_text(text: str) -> BrandApiKey | None:
    """The active brand key ``text`` stands for, or None (unknown, malformed, a partner key, revoked, inactive
    brand)."""
    parts = text.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != BRAND_KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    api_key = (
        BrandApiKey.objects.select_related("brand").filter(prefix=parts[1], revoked_at__isnull=True).first()
    )
    if api_key is None or not hmac.compare_digest(api_key.secret_hash, api_key_hash(parts[2])):
        return None
    if not api_key.brand.is_active:
        return None
    return api_key


class BrandKeyAuth(HttpBearer):
    """django-ninja authentication of the brand endpoints: ``request.auth`` is the ``BrandApiKey``, which must
    carry ``scope`` (a key without it gets a 403 naming the scope)."""

    openapi_description = (
        "A brand API key, `rb_<prefix>_<secret>`, created by the brand admin (page API keys)."
    )

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_key = brand_api_key_from_text(token)
        if api_key is None:
            return None
        if self.scope not in api_key.scopes:
            raise HttpError(403, _("This key does not have the scope %(scope)s.") % {"scope": self.scope})
        now = timezone.now()
        if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_RESOLUTION:
            BrandApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
            api_key.last_used_at = now
        return api_key


def request_brand_key(request: HttpRequest) -> BrandApiKey:
    """The brand key behind an authenticated brand-endpoint request."""
    api_key: BrandApiKey = request.auth  # type: ignore[attr-defined]
    return api_key


def request_brand(request: HttpRequest) -> Brand:
    """The brand behind an authenticated brand-endpoint request."""
    return request_brand_key(request).brand

"""Writes of the API app: partner API keys and brand API keys."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.accounts.models import User
from relais.api.models import ApiKey, BrandApiKey, BrandScope
from relais.audit.services import audit_record
from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.network.models import PartnerCompany

KEY_PREFIX = "rk"


def api_key_hash(secret: str) -> str:
    """SHA-256 of the secret part of a key, as stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *, partner: PartnerCompany, name: str, created_by: User | None = None
) -> tuple[ApiKey, str]:
    """Create a key for ``partner`` and return it with the full key text, which is never stored nor shown again."""
    name = name.strip()
    if not name:
        raise ApplicationError(_("Give the key a name."))
    prefix = secrets.token_hex(4)
    while ApiKey.objects.filter(prefix=prefix).exists():  # 2^32 prefixes: a clash is rare but possible
        prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    api_key = ApiKey.objects.create(
        brand_id=partner.brand_id,
        partner=partner,
        name=name[:100],
        prefix=prefix,
        secret_hash=api_key_hash(secret),
        created_by=created_by,
    )
    return api_key, f"{KEY_PREFIX}_{prefix}_{secret}"


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey, user: User | None = None) -> ApiKey:
    """Revoke a key at once; requests with it are refused from now on. Revoking twice changes nothing."""
    locked = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.revoked_by = user
        locked.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    return locked


BRAND_KEY_PREFIX = "rb"


@transaction.atomic
def brand_api_key_create(
    *, brand: Brand, name: str, scopes: Sequence[str], created_by: User | None = None
) -> tuple[BrandApiKey, str]:
    """Create a brand key with ``scopes`` and return it with the full key text, never stored nor shown again."""
    name = name.strip()
    if not name:
        raise ApplicationError(_("Give the key a name."))
    known = set(BrandScope.values)
    unknown = sorted(set(scopes) - known)
    if unknown:
        raise ApplicationError(_("Unknown scope: %(scopes)s.") % {"scopes": ", ".join(unknown)})
    if not scopes:
        raise ApplicationError(_("Choose at least one scope."))
    prefix = secrets.token_hex(4)
    while BrandApiKey.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    api_key = BrandApiKey.objects.create(
        brand=brand,
        name=name[:100],
        prefix=prefix,
        secret_hash=api_key_hash(secret),
        scopes=sorted(set(scopes)),
        created_by=created_by,
    )
    audit_record(
        brand=brand,
        actor=created_by,
        action="brand_api_key.created",
        target=api_key,
        details={"scopes": api_key.scopes},
    )
    return api_key, f"{BRAND_KEY_PREFIX}_{prefix}_{secret}"


@transaction.atomic
def brand_api_key_revoke(*, api_key: BrandApiKey, user: User | None = None) -> BrandApiKey:
    """Revoke a brand key at once; revoking twice changes nothing."""
    locked = BrandApiKey.objects.select_for_update().get(pk=api_key.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.revoked_by = user
        locked.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
        audit_record(brand=locked.brand, actor=user, action="brand_api_key.revoked", target=locked)
    return locked

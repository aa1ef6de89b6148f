"""Writes of the API app: partner API keys."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.accounts.models import User
from relais.api.models import ApiKey
from relais.core.errors import ApplicationError
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

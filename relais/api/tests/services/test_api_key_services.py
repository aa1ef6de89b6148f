import hashlib

import pytest

from relais.api.auth import api_key_from_text
from relais.api.models import ApiKey
from relais.api.services import api_key_create, api_key_revoke
from relais.core.errors import ApplicationError


def test_api_key_create_stores_only_the_hash_of_the_secret(partner, partner_admin):
    api_key, text = api_key_create(partner=partner, name="ERP", created_by=partner_admin)

    assert text.startswith(f"rk_{api_key.prefix}_")
    secret = text.split("_", 2)[2]
    stored = ApiKey.objects.get(pk=api_key.pk)
    assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (stored.secret_hash, stored.prefix, stored.name)
    assert stored.brand_id == partner.brand_id and stored.created_by == partner_admin


def test_api_key_create_needs_a_name(partner):
    with pytest.raises(ApplicationError):
        api_key_create(partner=partner, name="   ")


def test_key_text_resolves_to_its_key_until_revoked(partner, partner_admin):
    api_key, text = api_key_create(partner=partner, name="ERP")
    assert api_key_from_text(text) == api_key
    assert api_key_from_text(text[:-1] + ("A" if text[-1] != "A" else "B")) is None
    assert api_key_from_text(f"rk_{api_key.prefix}") is None
    assert api_key_from_text("Bearer nonsense") is None

    revoked = api_key_revoke(api_key=api_key, user=partner_admin)

    assert revoked.revoked_at is not None and revoked.revoked_by == partner_admin
    assert api_key_from_text(text) is None
    first_revocation = revoked.revoked_at
    assert api_key_revoke(api_key=api_key).revoked_at == first_revocation


def test_key_of_an_inactive_partner_is_refused(partner):
    _api_key, text = api_key_create(partner=partner, name="ERP")
    partner.is_active = False
    partner.save(update_fields=["is_active"])
    assert api_key_from_text(text) is None

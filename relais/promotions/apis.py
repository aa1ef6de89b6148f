"""The promotions API (key auth)."""

from __future__ import annotations

from ninja import Router

from relais.api.auth import api_key_auth

router = Router(tags=["promotions"], auth=api_key_auth)

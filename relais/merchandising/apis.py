"""The merchandising API (key auth)."""

from __future__ import annotations

from ninja import Router

from relais.api.auth import api_key_auth

router = Router(tags=["merchandising"], auth=api_key_auth)

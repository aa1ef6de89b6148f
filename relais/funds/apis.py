"""The funds API (key auth)."""

from __future__ import annotations

from ninja import Router

from relais.api.auth import api_key_auth

router = Router(tags=["funds"], auth=api_key_auth)

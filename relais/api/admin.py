"""The operators' admin of API keys: read-only, and never the secret's hash (the key is revoked by its
partner or brand, on their pages)."""

from __future__ import annotations

from django.contrib import admin

from relais.api.models import ApiKey
from relais.core.admin import ReadOnlyAdmin


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdmin):
    hidden_fields = ("secret_hash",)
    list_display = ("name", "prefix", "brand", "partner", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("brand", "partner")
    list_filter = ("brand",)
    search_fields = ("=prefix", "name", "partner__code", "partner__name")

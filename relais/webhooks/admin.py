"""The operators' admin of webhooks: read-only, never an endpoint's signing secret."""

from __future__ import annotations

from django.contrib import admin

from relais.core.admin import ReadOnlyAdmin
from relais.webhooks.models import WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    hidden_fields = ("secret",)
    list_display = ("url", "brand", "events", "is_active", "created_at")
    list_select_related = ("brand",)
    list_filter = ("brand", "is_active")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("event_type", "brand", "endpoint", "status", "attempts", "next_attempt_at", "created_at")
    list_select_related = ("brand", "endpoint")
    list_filter = ("brand", "status", "event_type")

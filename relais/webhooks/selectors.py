"""Reads of the webhooks app, brand-scoped."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from relais.core.models import Brand
from relais.webhooks.models import WebhookDelivery, WebhookEndpoint


def webhook_endpoint_list(*, brand: Brand) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(brand=brand)


def webhook_endpoint_get(*, brand: Brand, endpoint_id: int) -> WebhookEndpoint:
    """One of the brand's endpoints; another brand's is a 404."""
    endpoint = webhook_endpoint_list(brand=brand).filter(pk=endpoint_id).first()
    if endpoint is None:
        raise Http404
    return endpoint


def webhook_delivery_list(*, brand: Brand, limit: int = 50) -> list[WebhookDelivery]:
    """The brand's latest deliveries with their attempts (newest first)."""
    return list(
        WebhookDelivery.objects.filter(brand=brand)
        .select_related("endpoint")
        .prefetch_related("attempt_rows")
        .order_by("-created_at", "-id")[:limit]
    )


def webhook_delivery_get(*, brand: Brand, delivery_id: int) -> WebhookDelivery:
    """One of the brand's deliveries; another brand's is a 404."""
    delivery = WebhookDelivery.objects.filter(brand=brand, pk=delivery_id).select_related("endpoint").first()
    if delivery is None:
        raise Http404
    return delivery

"""The demo's brand integrations and personal data: a retention of 18 months, two brand API keys, a webhook
endpoint (paused: the demo has no receiver) with a few past deliveries, and the stored feedback scrubbed."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from relais.accounts.models import Role, User
from relais.api.models import BrandScope
from relais.api.services import brand_api_key_create
from relais.core.models import Brand
from relais.privacy.services import feedback_scrub_stored, privacy_settings_set
from relais.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEvent
from relais.webhooks.services import backoff_after, webhook_endpoint_create, webhook_endpoint_set_active


def load(*, brand: Brand, rng: random.Random) -> dict[str, int]:
    """Write the demo brand's integrations (after the sell-out and the rewards)."""
    admin = User.objects.filter(brand=brand, role=Role.BRAND_ADMIN).order_by("pk").first()
    if admin is not None:
        privacy_settings_set(brand=brand, feedback_retention_months=18, by=admin)
    brand_api_key_create(
        brand=brand,
        name="ERP — export nocturne du sell-out",
        scopes=[BrandScope.SELLOUT_READ, BrandScope.SELLIN_WRITE],
        created_by=admin,
    )
    brand_api_key_create(
        brand=brand, name="PIM catalogue", scopes=[BrandScope.CATALOG_WRITE], created_by=admin
    )
    endpoint, _secret = webhook_endpoint_create(
        brand=brand,
        url="https://erp.lumen.example/relais/webhooks",
        events=list(WebhookEvent.values),
        description="ERP : déclarations validées et commandes",
        created_by=admin,
    )
    webhook_endpoint_set_active(endpoint=endpoint, active=False, user=admin)
    now = timezone.now()
    deliveries = []
    for n in range(6):
        at = now - timedelta(hours=6 * (n + 1), minutes=rng.randint(0, 59))
        event = WebhookEvent.DECLARATION_VALIDATED if n % 3 else WebhookEvent.ORDER_STATUS_CHANGED
        retrying = n == 0
        delivery = WebhookDelivery(
            brand=brand,
            endpoint=endpoint,
            event_type=event,
            payload={"type": event, "created": at.isoformat(), "data": {}},
            status=WebhookDelivery.Status.RETRYING if retrying else WebhookDelivery.Status.SUCCEEDED,
            attempts=2 if retrying else 1,
            next_attempt_at=at + backoff_after(2) if retrying else None,
            last_status_code=503 if retrying else 200,
            delivered_at=None if retrying else at,
        )
        delivery.payload["id"] = str(delivery.event_id)
        deliveries.append(delivery)
    WebhookDelivery.objects.bulk_create(deliveries)
    attempts = []
    for delivery in deliveries:
        codes = [503, 503] if delivery.status == WebhookDelivery.Status.RETRYING else [200]
        for number, code in enumerate(codes, start=1):
            attempts.append(
                WebhookAttempt(
                    delivery=delivery,
                    number=number,
                    attempted_at=now - timedelta(hours=1) * number,
                    status_code=code,
                    error="" if code == 200 else "HTTP 503",
                    duration_ms=rng.randint(40, 400),
                    succeeded=code == 200,
                )
            )
    WebhookAttempt.objects.bulk_create(attempts)
    return {
        "brand API keys": 2,
        "webhook deliveries": len(deliveries),
        "feedback scrubbed": feedback_scrub_stored(brand=brand),
    }

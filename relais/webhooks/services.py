"""Writes of the webhooks app: endpoints, events turned into deliveries, attempts with backoff, replays.

An event (``webhook_event_emit``) becomes one delivery per active endpoint of the brand that chose its type,
stored in the caller's transaction; the ``webhook_deliver`` job sends it after commit. A failed attempt (no
answer, or not a 2xx) schedules the next one ``BACKOFF_BASE * 2^(attempts-1)`` later (1, 2, 4, 8... minutes),
until ``MAX_ATTEMPTS``; then the delivery is given up and stays on the page to be replayed. The due retries are
sent by ``webhook_deliveries_due`` (the ``deliver_webhooks`` command, every minute from cron or Celery beat).
The POST itself is made outside any transaction: a slow receiver holds no lock.
"""

from __future__ import annotations

import json
import secrets
import time
from datetime import datetime, timedelta
from typing import Any

import requests
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.accounts.models import User
from relais.audit.services import audit_record
from relais.core.errors import ApplicationError
from relais.core.jobs import job_enqueue
from relais.core.models import Brand
from relais.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from relais.webhooks.signing import SIGNATURE_HEADER, signature_header

DELIVER_JOB_KIND = "webhook_deliver"
MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(minutes=1)
TIMEOUT_SECONDS = 10
SECRET_PREFIX = "whsec_"


def _https_only() -> bool:
    """Production refuses plain http; a developer's machine (DEBUG) or a test receiver may use it."""
    return not getattr(settings, "WEBHOOKS_ALLOW_HTTP", settings.DEBUG)


def _clean_events(events: list[str]) -> list[str]:
    unknown = sorted(set(events) - set(WebhookEvent.values))
    if unknown:
        raise ApplicationError(_("Unknown event: %(events)s.") % {"events": ", ".join(unknown)})
    if not events:
        raise ApplicationError(_("Choose at least one event."))
    return sorted(set(events))


@transaction.atomic
def webhook_endpoint_create(
    *, brand: Brand, url: str, events: list[str], description: str = "", created_by: User | None = None
) -> tuple[WebhookEndpoint, str]:
    """Add an endpoint and return it with its signing secret (shown once on the page)."""
    url = url.strip()
    if _https_only() and not url.startswith("https://"):
        raise ApplicationError(_("The URL must start with https://."))
    if not url.startswith(("https://", "http://")):
        raise ApplicationError(_("The URL must start with https://."))
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint.objects.create(
        brand=brand,
        url=url[:500],
        description=description.strip()[:200],
        events=_clean_events(events),
        secret=secret,
        created_by=created_by,
    )
    audit_record(
        brand=brand,
        actor=created_by,
        action="webhook_endpoint.created",
        target=endpoint,
        details={"events": endpoint.events},
    )
    return endpoint, secret


@transaction.atomic
def webhook_endpoint_set_active(*, endpoint: WebhookEndpoint, active: bool, user: User | None = None) -> None:
    """Pause or resume an endpoint: a paused one gets no new delivery (those already made stay)."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=active, updated_at=timezone.now())
    endpoint.is_active = active
    action = "webhook_endpoint.resumed" if active else "webhook_endpoint.paused"
    audit_record(brand=endpoint.brand, actor=user, action=action, target=endpoint)


def webhook_event_emit(*, brand: Brand, event_type: str, data: dict[str, Any]) -> list[WebhookDelivery]:
    """Store one delivery of the event per active endpoint of ``brand`` that chose ``event_type``; each is sent
    by a job after the caller's transaction commits (so no receiver hears of what was rolled back)."""
    endpoints = [
        e
        for e in WebhookEndpoint.objects.filter(brand=brand, is_active=True)
        if event_type in (e.events or [])
    ]
    if not endpoints:
        return []
    now = timezone.now()
    deliveries = []
    for endpoint in endpoints:
        delivery = WebhookDelivery(
            brand=brand, endpoint=endpoint, event_type=event_type, payload={}, next_attempt_at=now
        )
        # The body is fixed once, with the event id and time, so a retry or replay sends the same bytes.
        delivery.payload = {
            "id": str(delivery.event_id),
            "type": event_type,
            "created": now.isoformat(),
            "data": json.loads(json.dumps(data, cls=DjangoJSONEncoder)),
        }
        deliveries.append(delivery)
    WebhookDelivery.objects.bulk_create(deliveries)
    for delivery in deliveries:
        job_enqueue(kind=DELIVER_JOB_KIND, payload={"delivery_id": delivery.pk}, brand=brand)
    return deliveries


def backoff_after(attempts: int) -> timedelta:
    """How long after the ``attempts``-th failed attempt the next one is made: 1, 2, 4, 8... minutes."""
    return BACKOFF_BASE * (2 ** max(attempts - 1, 0))


def _post(delivery: WebhookDelivery, endpoint: WebhookEndpoint) -> tuple[int | None, str, int]:
    """POST the signed body; (status code or None, error text, milliseconds)."""
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Relais-Webhooks/1",
        SIGNATURE_HEADER: signature_header(secret=endpoint.secret, body=body),
        "Relais-Event": delivery.event_type,
        "Relais-Delivery": str(delivery.event_id),
    }
    started = time.monotonic()
    try:
        response = requests.post(
            endpoint.url, data=body, headers=headers, timeout=TIMEOUT_SECONDS, allow_redirects=False
        )
    except requests.RequestException as exc:
        return None, str(exc)[:300], int((time.monotonic() - started) * 1000)
    return response.status_code, "", int((time.monotonic() - started) * 1000)


def webhook_delivery_attempt(*, delivery_id: int, now: datetime | None = None) -> WebhookAttempt | None:
    """Make the next attempt of a delivery that is due (None when it is delivered, given up or not due yet)."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    now = now or timezone.now()
    if delivery is None or delivery.status in (
        WebhookDelivery.Status.SUCCEEDED,
        WebhookDelivery.Status.GIVEN_UP,
    ):
        return None
    if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
        return None
    status_code, error, duration_ms = _post(delivery, delivery.endpoint)
    return _attempt_record(
        delivery_id=delivery.pk, status_code=status_code, error=error, duration_ms=duration_ms, now=now
    )


@transaction.atomic
def _attempt_record(
    *, delivery_id: int, status_code: int | None, error: str, duration_ms: int, now: datetime
) -> WebhookAttempt:
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
    succeeded = status_code is not None and 200 <= status_code < 300
    delivery.attempts += 1
    attempt = WebhookAttempt.objects.create(
        delivery=delivery,
        number=WebhookAttempt.objects.filter(delivery=delivery).count() + 1,
        attempted_at=now,
        status_code=status_code,
        error=error or ("" if succeeded else _("HTTP %(code)s") % {"code": status_code}),
        duration_ms=duration_ms,
        succeeded=succeeded,
    )
    delivery.last_status_code = status_code
    if succeeded:
        delivery.status = WebhookDelivery.Status.SUCCEEDED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = WebhookDelivery.Status.GIVEN_UP
        delivery.next_attempt_at = None
    else:
        delivery.status = WebhookDelivery.Status.RETRYING
        delivery.next_attempt_at = now + backoff_after(delivery.attempts)
    delivery.save(update_fields=["attempts", "last_status_code", "status", "delivered_at", "next_attempt_at"])
    return attempt


def webhook_deliveries_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Attempt every delivery whose next attempt time has come (the periodic retry); returns how many."""
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(
            status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.RETRYING],
            next_attempt_at__lte=now,
        )
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    for delivery_id in due:
        webhook_delivery_attempt(delivery_id=delivery_id, now=now)
    return len(due)


@transaction.atomic
def webhook_delivery_replay(*, delivery: WebhookDelivery, user: User | None = None) -> WebhookDelivery:
    """Send a delivery again now, whatever its status (the same event id and body), with a fresh allowance of
    ``MAX_ATTEMPTS``; the earlier attempts stay listed."""
    locked = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    locked.status = WebhookDelivery.Status.PENDING
    locked.next_attempt_at = timezone.now()
    locked.attempts = 0
    locked.save(update_fields=["status", "next_attempt_at", "attempts"])
    audit_record(brand=locked.brand, actor=user, action="webhook_delivery.replayed", target=locked)
    job_enqueue(kind=DELIVER_JOB_KIND, payload={"delivery_id": locked.pk}, brand=locked.brand)
    return locked

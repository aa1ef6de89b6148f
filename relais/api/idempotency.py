"""``Idempotency-Key`` for POST endpoints, with Stripe's semantics, reusable by any API endpoint.

- same key + same request (method, path, body) → the stored response (status and body) is replayed, no new work;
- same key + another request → 409;
- a key is scoped to the partner (or, on the brand endpoints, to the brand key) and kept 24 hours;
- concurrent first use: the key is reserved by an INSERT under a unique constraint, committed before the work
  starts, so the second request sees the reservation and gets a 409 "still in progress" (never the work twice).

If the work raises, the reservation is removed, so the client can retry with the same key. If the process
died mid-way (no exception to catch), the reservation is abandoned: after ``IDEMPOTENCY_LEASE`` the next
request with the key takes it over (the work had been rolled back with its transaction).

Call it outside any open transaction (django-ninja views are not wrapped in one here): the reservation must
commit on its own before the work starts, or a concurrent request could not see it.

Usage in a django-ninja endpoint::

    status, body = idempotent_call(
        partner=partner,
        key=request.headers.get("Idempotency-Key"),
        request_hash=request_fingerprint(request),
        run=lambda: (201, do_the_work()),   # body must be JSON-ready (model_dump(mode="json"))
    )
    return status, body
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.api.models import BrandApiKey, IdempotencyRecord
from relais.core.errors import ApplicationError
from relais.network.models import PartnerCompany

IDEMPOTENCY_TTL = timedelta(hours=24)
# A reservation without a response after this long belongs to a request whose process died: longer than any
# request may run (the web server's timeout), far shorter than the TTL.
IDEMPOTENCY_LEASE = timedelta(minutes=5)
IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def idempotency_key_openapi(*, required: bool) -> dict[str, Any]:
    """The ``openapi_extra`` that declares the ``Idempotency-Key`` header of an endpoint in the OpenAPI document.

    The header is read from ``request.headers`` (so a missing required key gets our 400 with its message, not
    a generic 422); this declaration makes clients and generated SDKs send it.
    """
    return {
        "parameters": [
            {
                "in": "header",
                "name": IDEMPOTENCY_HEADER,
                "required": required,
                "description": "A key of your choice (at most 255 characters), unique per operation: the same key "
                "and body replay the first response, the same key with another body is a 409.",
                "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
            }
        ]
    }


class IdempotencyConflict(ApplicationError):
    """The key was used for another request, or its first request is still running: HTTP 409."""


def request_fingerprint(request: HttpRequest) -> str:
    """SHA-256 of method, path and body; a JSON body is canonicalised so key order and spacing do not count."""
    body: bytes = request.body
    with contextlib.suppress(ValueError, UnicodeDecodeError):
        body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    digest = hashlib.sha256()
    digest.update(request.method.encode() if request.method else b"")
    digest.update(b"\n")
    digest.update(request.path.encode())
    digest.update(b"\n")
    digest.update(body)
    return digest.hexdigest()


def _owner(partner: PartnerCompany | None, brand_api_key: BrandApiKey | None) -> dict[str, Any]:
    """The fields a key is scoped by: the partner (partner keys) or the brand key (brand endpoints)."""
    if partner is not None and brand_api_key is None:
        return {"brand_id": partner.brand_id, "partner": partner}
    if brand_api_key is not None and partner is None:
        return {"brand_id": brand_api_key.brand_id, "brand_api_key": brand_api_key}
    raise ValueError("an idempotency key belongs to a partner or to a brand key, exactly one")


def _reserve(*, owner: dict[str, Any], key: str, request_hash: str) -> tuple[IdempotencyRecord | None, bool]:
    """Insert the reservation row (committed at once); on a clash, return the existing row instead."""
    scope = {k: v for k, v in owner.items() if k != "brand_id"}
    # Forgetting this owner's expired keys here keeps the table bounded without a scheduler.
    IdempotencyRecord.objects.filter(**scope, created_at__lt=timezone.now() - IDEMPOTENCY_TTL).delete()
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(**owner, key=key, request_hash=request_hash)
        return record, True
    except IntegrityError:
        return IdempotencyRecord.objects.filter(**scope, key=key).first(), False


def idempotent_call(
    *,
    partner: PartnerCompany | None = None,
    brand_api_key: BrandApiKey | None = None,
    key: str | None,
    request_hash: str,
    run: Callable[[], tuple[int, Any]],
) -> tuple[int, Any]:
    """Run ``run`` once per (partner, key) — or (brand key, key) — and return its (status, JSON-ready body),
    or the stored one.

    Without a key, ``run`` simply runs. Raises ``IdempotencyConflict`` (409) on reuse with another request or
    while the first request with the key is still in progress; ``ApplicationError`` for an unusable key.
    """
    owner = _owner(partner, brand_api_key)
    if key is None or key == "":
        return run()
    if len(key) > MAX_KEY_LENGTH:
        raise ApplicationError(_("The Idempotency-Key header must be at most 255 characters."))
    record, created = _reserve(owner=owner, key=key, request_hash=request_hash)
    if (
        not created
        and record is not None
        and record.status_code is None
        and record.request_hash == request_hash
        and record.created_at < timezone.now() - IDEMPOTENCY_LEASE
    ):
        # Abandoned by a dead process: take it over, once (the conditional delete lets one taker through).
        taken, _details = IdempotencyRecord.objects.filter(
            pk=record.pk, status_code__isnull=True, created_at=record.created_at
        ).delete()
        if taken:
            record, created = _reserve(owner=owner, key=key, request_hash=request_hash)
    if record is None:  # the clashing row expired and was removed between our INSERT and SELECT
        raise IdempotencyConflict(_("A request with this Idempotency-Key is being processed; retry shortly."))
    if not created:
        if record.request_hash != request_hash:
            raise IdempotencyConflict(
                _("This Idempotency-Key was already used with a different request; use a new key.")
            )
        if record.status_code is None:
            raise IdempotencyConflict(
                _("A request with this Idempotency-Key is being processed; retry shortly.")
            )
        return record.status_code, record.response_body
    try:
        status, body = run()
    except BaseException:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        raise
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        status_code=status, response_body=body, completed_at=timezone.now()
    )
    return status, body


def idempotency_records_purge(*, now: datetime | None = None) -> int:
    """Delete records older than the 24-hour window; returns how many were removed."""
    cutoff = (now or timezone.now()) - IDEMPOTENCY_TTL
    deleted, _details = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted

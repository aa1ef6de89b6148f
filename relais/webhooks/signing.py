"""The signature of a webhook delivery: ``Relais-Signature: t=<unix time>,v1=<hex HMAC-SHA256>``.

The HMAC is computed with the endpoint's secret over ``"<t>.<body>"`` (the timestamp, a dot, the raw request
body as sent). A receiver recomputes it, compares in constant time and refuses a timestamp too far from its
clock, which stops a captured delivery from being replayed later (docs/api.md shows a receiver).
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "Relais-Signature"
TOLERANCE_SECONDS = 300


def signature_compute(*, secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``"<timestamp>.<body>"`` with ``secret``."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(*, secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The value of the ``Relais-Signature`` header for ``body``, signed now (or at ``timestamp``)."""
    t = int(time.time()) if timestamp is None else timestamp
    return f"t={t},v1={signature_compute(secret=secret, timestamp=t, body=body)}"


def signature_verify(
    *, secret: str, header: str, body: bytes, now: int | None = None, tolerance: int = TOLERANCE_SECONDS
) -> bool:
    """What a receiver does: True when ``header`` signs ``body`` with ``secret`` within ``tolerance`` seconds."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    current = int(time.time()) if now is None else now
    if abs(current - timestamp) > tolerance:
        return False
    expected = signature_compute(secret=secret, timestamp=timestamp, body=body)
    return hmac.compare_digest(expected, parts.get("v1", ""))

"""The address of the client that sent a request, trusting ``X-Forwarded-For`` only as far as configured.

Behind the documented TLS proxy every request arrives from the proxy's address (``REMOTE_ADDR``), so a
per-address counter would count every client together. ``RELAIS_TRUSTED_PROXY_COUNT`` says how many proxies
in front of the application append to ``X-Forwarded-For``; the client is the entry the outermost of them
added (the ``count``-th from the right). Entries further left were written by the client and are ignored, so
a forged header cannot pick another address. With the default 0 the header is not read at all.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or the trusted entry of ``X-Forwarded-For`` behind proxies."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = int(getattr(settings, "RELAIS_TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:  # not through every proxy we were told of: only the peer is known
        return remote
    return forwarded[-count]

"""A brand's webhook endpoints and their signed deliveries, retried with backoff."""

from __future__ import annotations

from django.db import models  # noqa: F401

"""The append-only audit log of brand-admin actions and of exports of personal data."""

from __future__ import annotations

from django.db import models  # noqa: F401

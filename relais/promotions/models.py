"""Seasonal promotions: dated offers on products or families, their mechanics and eligible segments."""

from __future__ import annotations

from django.db import models  # noqa: F401

"""Personal data: per-user export and erasure, retention of free text."""

from __future__ import annotations

from django.db import models  # noqa: F401

"""Co-op advertising / market development funds: budgets, allocations, requests, claims and an append-only fund ledger."""

from __future__ import annotations

from django.db import models  # noqa: F401

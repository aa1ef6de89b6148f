"""Point-of-sale material partners order, and store execution checks (checklist and photos) the brand reviews."""

from __future__ import annotations

from django.db import models  # noqa: F401

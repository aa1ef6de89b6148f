"""Product training: modules with a short quiz, assignments, completions per seller, certifications with expiry."""

from __future__ import annotations

from django.db import models  # noqa: F401

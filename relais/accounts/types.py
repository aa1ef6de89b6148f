"""Typing helpers shared by views."""

from __future__ import annotations

from django.http import HttpRequest

from relais.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request behind @login_required: its user is a real User."""

    user: User  # type: ignore[assignment]

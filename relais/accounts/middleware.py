"""The brand a session works in: the membership its brand switcher chose, laid over ``request.user``."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from relais.accounts.memberships import ACTIVE_MEMBERSHIP_SESSION_KEY, membership_apply, membership_find


class ActiveMembershipMiddleware:
    """After ``AuthenticationMiddleware``, before ``SuspendedBrandMiddleware`` (which then checks the brand of
    the active membership): a session that switched brand has its membership's brand, partner and role on
    ``request.user`` (one query); a session that never switched costs nothing. A membership gone since (or
    another login's) is dropped from the session, which falls back to the user row's brand. API keys do not
    go through sessions: their brand and partner are the key's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        membership_id = session.get(ACTIVE_MEMBERSHIP_SESSION_KEY) if session is not None else None
        if membership_id is not None and session is not None:
            user = request.user
            membership = (
                membership_find(user=user, membership_id=membership_id)  # type: ignore[arg-type]
                if user.is_authenticated and isinstance(membership_id, int)
                else None
            )
            if membership is None:
                session.pop(ACTIVE_MEMBERSHIP_SESSION_KEY, None)
            else:
                membership_apply(user=user, membership=membership)  # type: ignore[arg-type]
        return self.get_response(request)

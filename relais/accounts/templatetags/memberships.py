"""The brand switcher of the app bar: shown to a person with memberships in more than one brand."""

from __future__ import annotations

from typing import Any

from django import template

from relais.accounts.memberships import memberships_of

register = template.Library()


@register.inclusion_tag("accounts/partials/brand_switcher.html", takes_context=True)
def brand_switcher(context: dict[str, Any]) -> dict[str, Any]:
    user = context.get("user")
    memberships = list(memberships_of(user=user)) if user is not None and user.is_authenticated else []
    return {
        "memberships": memberships if len(memberships) > 1 else [],
        "active_brand_id": getattr(user, "brand_id", None),
        "csrf_token": context.get("csrf_token"),
    }

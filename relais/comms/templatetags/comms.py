"""The inbox link of the partner nav, with its unread count (one COUNT on an index per page); the
percentage and signed-change filters of the reminders' effect."""

from typing import Any

from django import template
from django.utils import formats

from relais.comms.selectors import inbox_unread_count

register = template.Library()


@register.inclusion_tag("comms/partials/nav_inbox.html")
def nav_inbox(user: Any) -> dict[str, Any]:
    count = inbox_unread_count(user=user) if getattr(user, "is_partner_user", False) else 0
    return {"unread": count}


@register.filter
def percent(share: float | None) -> str:
    """A share (0.42) as a whole percentage in the active language's format (42 %)."""
    if share is None:
        return "—"
    return f"{formats.number_format(round(100 * share), use_l10n=True)}\N{NO-BREAK SPACE}%"


@register.filter
def signed(value: float | None) -> str:
    """A change with its sign, rounded to the unit (+12, −3, 0)."""
    if value is None:
        return "—"
    rounded = round(value)
    sign = "+" if rounded > 0 else ("\N{MINUS SIGN}" if rounded < 0 else "")
    return f"{sign}{formats.number_format(abs(rounded), use_l10n=True)}"

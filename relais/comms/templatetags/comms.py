"""The inbox link of the partner nav, with its unread count (one COUNT on an index per page)."""

from typing import Any

from django import template

from relais.comms.selectors import inbox_unread_count

register = template.Library()


@register.inclusion_tag("comms/partials/nav_inbox.html")
def nav_inbox(user: Any) -> dict[str, Any]:
    count = inbox_unread_count(user=user) if getattr(user, "is_partner_user", False) else 0
    return {"unread": count}

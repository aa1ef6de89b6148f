from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from relais.accounts.access import access_brand_admin
from relais.accounts.types import AuthedRequest
from relais.audit.selectors import audit_entries

ENTRIES_PER_PAGE = 50


@login_required
def entry_list(request: AuthedRequest) -> HttpResponse:
    """The brand's audit log, newest first, filterable by action (a code or its family, "partner.")."""
    brand = access_brand_admin(request.user)
    action = request.GET.get("action", "").strip()[:80]
    actions = sorted(set(audit_entries(brand=brand).values_list("action", flat=True).distinct()))
    page = Paginator(audit_entries(brand=brand, action_prefix=action), ENTRIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = [(entry, _detail_rows(entry.details)) for entry in page]
    return render(
        request, "audit/entry_list.html", {"page": page, "rows": rows, "action": action, "actions": actions}
    )


def _detail_rows(details: dict[str, Any]) -> list[tuple[str, str]]:
    """Each detail as (name, text): a change as "before → after", anything else as it is."""
    rows = []
    for key, value in details.items():
        if isinstance(value, list) and len(value) == 2:
            rows.append((key, f"{_text(value[0])} → {_text(value[1])}"))
        else:
            rows.append((key, _text(value)))
    return rows


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)

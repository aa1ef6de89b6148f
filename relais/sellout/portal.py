"""The partner portal home's "what is due" section: last month's sales, their deadline, and where the
partner stands (not declared, a draft to finish, declared)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.timezone import localdate
from django.utils.translation import gettext, pgettext

from relais.network.models import PartnerCompany
from relais.sellout.models import Declaration
from relais.sellout.periods import period_due

DUE_NOT_DECLARED = "not_declared"
DUE_DRAFT = "draft"
DUE_DECLARED = "declared"
_VOWELS = "aeiouyàâäéèêëîïôöûü"


def month_title(day: Any) -> str:
    """ "Sales of October 2026" in the reader's language, elided before a vowel in French ("d'octobre")."""
    month = date_format(day, "F Y")
    if month[:1].lower() in _VOWELS:
        return pgettext("the month starts with a vowel", "Sales of %(month)s") % {"month": month}
    return gettext("Sales of %(month)s") % {"month": month}


def portal_due_context(request: HttpRequest, partner: PartnerCompany) -> dict[str, Any]:
    """Context of ``sellout/partials/portal_due.html`` for ``partner`` today (the portal section's hook)."""
    today = localdate()
    start, end, deadline = period_due(today, brand_id=partner.brand_id)
    overlapping = list(
        Declaration.objects.filter(
            brand_id=partner.brand_id, partner=partner, period_start__lte=end, period_end__gte=start
        ).order_by("-updated_at", "-pk")
    )
    submitted = [d for d in overlapping if d.status != Declaration.Status.DRAFT]
    draft = next((d for d in overlapping if d.status == Declaration.Status.DRAFT), None)
    if submitted:
        status, declaration = DUE_DECLARED, submitted[0]
    elif draft is not None:
        status, declaration = DUE_DRAFT, draft
    else:
        status, declaration = DUE_NOT_DECLARED, None
    return {
        "title": month_title(end),
        "period_start": start,
        "period_end": end,
        "deadline": deadline,
        "days_left": (deadline - today).days,
        "status": status,
        "declaration": declaration,
        "late": status != DUE_DECLARED and today > deadline,
    }

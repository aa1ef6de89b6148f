"""The brand's reconciliation page (sell-in, sell-out and stock per partner × product of a month) and the
data quality fragment of a partner, loaded by the brand's partner page and the partner's portal."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.accounts.access import access_brand_partner_scope, access_brand_staff, access_partner_by_id
from relais.accounts.types import AuthedRequest
from relais.sellout.quality import partner_data_quality
from relais.sellout.reconciliation import month_bounds, reconciliation_rows

MAX_ROWS = 500  # the page shows the first rows (flagged first); the command gives them all


def _last_month() -> str:
    first = timezone.localdate().replace(day=1)
    previous = first.replace(year=first.year - (first.month == 1), month=(first.month - 2) % 12 + 1)
    return f"{previous:%Y-%m}"


@login_required
def brand_reconciliation(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    period = request.GET.get("period") or _last_month()
    only_flagged = request.GET.get("flagged") == "1"
    context: dict[str, object] = {"period": period, "only_flagged": only_flagged, "rows": [], "flagged": 0}
    try:
        start, end = month_bounds(period)
    except ValueError:
        context["error"] = _("“%(period)s” is not a month: write it as 2026-03.") % {"period": period}
        return render(request, "sellout/brand_reconciliation.html", context)
    # A channel manager's scope narrows the rows and every count to its partners.
    rows = reconciliation_rows(
        brand=brand, period_start=start, period_end=end, scope=access_brand_partner_scope(request.user)
    )
    flagged = [row for row in rows if row.flagged]
    shown = flagged if only_flagged else flagged + [row for row in rows if not row.flagged]
    context.update(
        {
            "rows": shown[:MAX_ROWS],
            "total": len(rows),
            "flagged": len(flagged),
            "unknown": sum(1 for row in rows if row.gap is None),
            "truncated": len(shown) > MAX_ROWS,
            "max_rows": MAX_ROWS,
        }
    )
    return render(request, "sellout/brand_reconciliation.html", context)


@login_required
def partner_quality(request: AuthedRequest, partner_id: int) -> HttpResponse:
    """The data quality of a partner: its brand's staff see any of theirs, a partner user only its own."""
    partner = access_partner_by_id(user=request.user, partner_id=partner_id)
    quality = partner_data_quality(brand=partner.brand, partner=partner)
    return render(request, "sellout/partials/partner_quality.html", {"quality": quality, "partner": partner})

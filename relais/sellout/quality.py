"""How far a partner's data can be trusted: clean, timely and reconciled shares, and their mean as a score.

- clean share: accepted lines / (accepted + flagged + rejected) over the partner's declarations of the window
  (drafts left out);
- timely share: declarations submitted within ``TIMELY_DAYS`` after their period ended;
- reconciled share: partner × product rows of the window's months whose gap is known and within tolerance,
  over the rows whose gap is known (``relais.sellout.reconciliation``).

Each share is ``None`` when there is nothing to measure it on, and the score is the mean of the shares that
are known (``None`` when none is). The window is the ``months`` whole months before ``today``'s month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.utils import timezone

from relais.core.models import Brand
from relais.network.models import PartnerCompany
from relais.sellout.models import Declaration
from relais.sellout.reconciliation import month_bounds, reconciliation_frame

TIMELY_DAYS = 10
DEFAULT_MONTHS = 3


@dataclass(frozen=True)
class DataQuality:
    clean_share: Decimal | None
    timely_share: Decimal | None
    reconciled_share: Decimal | None
    window_start: dt.date
    window_end: dt.date

    @property
    def score(self) -> Decimal | None:
        """The mean of the known shares, 0 to 1 (two decimals)."""
        known = [s for s in (self.clean_share, self.timely_share, self.reconciled_share) if s is not None]
        return _share(sum(known, Decimal(0)), len(known)) if known else None


def _share(part: Decimal | int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _window(months: int, today: dt.date) -> list[tuple[dt.date, dt.date]]:
    first = today.replace(day=1)
    bounds = []
    for back in range(months, 0, -1):
        index = first.year * 12 + first.month - 1 - back
        bounds.append(month_bounds(f"{index // 12}-{index % 12 + 1:02d}"))
    return bounds


def partner_data_quality(
    *, brand: Brand, partner: PartnerCompany, months: int = DEFAULT_MONTHS, today: dt.date | None = None
) -> DataQuality:
    """The data quality of ``partner`` (of ``brand``) over the last ``months`` whole months."""
    if partner.brand_id != brand.pk:
        raise PartnerCompany.DoesNotExist
    periods = _window(months, today or timezone.localdate())
    start, end = periods[0][0], periods[-1][1]
    declarations = Declaration.objects.filter(
        brand=brand, partner=partner, period_end__gte=start, period_end__lte=end
    ).exclude(status=Declaration.Status.DRAFT)
    totals = declarations.aggregate(
        accepted=Sum("lines_accepted"), flagged=Sum("lines_flagged"), rejected=Sum("lines_rejected")
    )
    # A few declarations a month: the on-time test runs here, on local dates, the same on every database.
    submitted = list(declarations.values_list("period_end", "submitted_at"))
    timely = sum(
        1
        for period_end, at in submitted
        if at is not None and timezone.localdate(at) <= period_end + dt.timedelta(days=TIMELY_DAYS)
    )
    accepted = totals["accepted"] or 0
    lines = accepted + (totals["flagged"] or 0) + (totals["rejected"] or 0)
    known = within = 0
    for period_start, period_end in periods:
        frame = reconciliation_frame(
            brand=brand, period_start=period_start, period_end=period_end, partner=partner
        )
        gaps = frame.filter(frame["gap"].is_not_null())
        known += gaps.height
        within += gaps.filter(~gaps["flagged"]).height
    return DataQuality(
        clean_share=_share(accepted, lines),
        timely_share=_share(timely, len(submitted)),
        reconciled_share=_share(within, known),
        window_start=start,
        window_end=end,
    )

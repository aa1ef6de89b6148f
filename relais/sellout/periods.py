"""Declaration periods: which periods a partner may declare, and the whole months a set of sales covers.

Pure date rules, below the forms and the ingest engine that both use them.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from relais.core.brand_settings import brand_declaration_due_days

# A declaration covers at most this many calendar months (settings.RELAIS_DECLARATION_MAX_MONTHS).
DEFAULT_MAX_MONTHS = 3


def max_months() -> int:
    return int(getattr(settings, "RELAIS_DECLARATION_MAX_MONTHS", DEFAULT_MAX_MONTHS))


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def months_covering(low: dt.date, high: dt.date) -> tuple[dt.date, dt.date]:
    """The first day of ``low``'s month and the last day of ``high``'s: the months a file's sales fall in."""
    return low.replace(day=1), month_end(high)


def months_spanned(start: dt.date, end: dt.date) -> int:
    """How many calendar months a period touches (1 October to 15 November: 2)."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def latest_declarable_day(today: dt.date) -> dt.date:
    """Sales of the current month may be declared as they happen; nothing after its last day."""
    return month_end(today)


# Days after the end of a month by which its sales are due: the brand's own (its settings page,
# core.BrandSettings.declaration_due_days), else settings.RELAIS_DECLARATION_DUE_DAYS; the challenges'
# "on time" bonus counts the same ten days by default.
DEFAULT_DUE_DAYS = 10


def due_days(*, brand_id: int | None = None) -> int:
    """The days after a month's end by which its sales are due for ``brand_id`` (one query), or the
    platform's default when the brand set none or no brand is given."""
    own = brand_declaration_due_days(brand_id=brand_id) if brand_id is not None else None
    if own is not None:
        return own
    return int(getattr(settings, "RELAIS_DECLARATION_DUE_DAYS", DEFAULT_DUE_DAYS))


def period_due(today: dt.date, *, brand_id: int | None = None) -> tuple[dt.date, dt.date, dt.date]:
    """The month whose sales are due now, and its deadline: the previous month, due ``due_days()`` (the
    brand's, when given) after it."""
    end = today.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end, end + dt.timedelta(days=due_days(brand_id=brand_id))


def period_refusal(start: dt.date, end: dt.date, *, today: dt.date) -> str | None:
    """Why a period cannot be declared (the doors without a form: the API), in the reader's language, or
    None: the same rules as the web form's (not past the current month, at most ``max_months()``)."""
    latest = latest_declarable_day(today)
    if end > latest or start > latest:
        return _("period_end: sales cannot be declared after %(date)s (the end of the current month).") % {
            "date": latest.isoformat()
        }
    limit = max_months()
    if months_spanned(start, end) > limit:
        return ngettext(
            "period_end: a declaration covers at most %(count)d month.",
            "period_end: a declaration covers at most %(count)d months.",
            limit,
        ) % {"count": limit}
    return None

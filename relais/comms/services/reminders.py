"""Declaration reminders: before the deadline of last month's sell-out, to the partners that have not
declared it, and a last call the day before.

Periods are calendar months; a month's declarations are due the brand's own number of days after its end
(its settings page, ``core.BrandSettings.declaration_due_days``), else ``RELAIS_DECLARATION_GRACE_DAYS``
(the same grace as the coverage figures of the insights). The reminder goes out from
``REMINDER_DAYS_BEFORE`` days before the deadline, the last call from the day before; each is sent once per
brand and month (found again by its code and month), so a daily run that missed a day catches up.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from relais.accounts.models import PARTNER_ROLES, User
from relais.comms.models import Message
from relais.comms.services.messages import notification_send
from relais.core.brand_settings import brand_declaration_due_days
from relais.core.models import Brand
from relais.sellout.models import Declaration

REMINDER_DAYS_BEFORE = 7
LAST_CALL_DAYS_BEFORE = 1


def grace_days() -> int:
    return int(getattr(settings, "RELAIS_DECLARATION_GRACE_DAYS", 10))


def reminder_period(*, today: dt.date, brand: Brand | None = None) -> tuple[dt.date, dt.date, dt.date]:
    """(first day, last day, deadline) of the month whose declarations are due next from ``today``, by the
    brand's own deadline when it set one."""
    last = today.replace(day=1) - dt.timedelta(days=1)
    own = brand_declaration_due_days(brand_id=brand.pk) if brand is not None else None
    return last.replace(day=1), last, last + dt.timedelta(days=grace_days() if own is None else own)


def undeclared_users(*, brand: Brand, start: dt.date, end: dt.date) -> list[User]:
    """Active users of the brand's active partners with no submitted declaration covering the month."""
    declared = Declaration.objects.filter(
        brand=brand, submitted_at__isnull=False, period_start__lte=end, period_end__gte=start
    ).exclude(status=Declaration.Status.DRAFT)
    return list(
        User.objects.filter(
            brand=brand,
            is_active=True,
            role__in=list(PARTNER_ROLES),
            partner__is_active=True,
            partner__brand=brand,
        )
        .exclude(partner_id__in=declared.values("partner_id"))
        .order_by("pk")
    )


@transaction.atomic
def reminders_send(*, brand: Brand, today: dt.date | None = None) -> dict[str, int]:
    """Send the reminder or the last call due today for last month (each once); returns the recipients."""
    today = today or timezone.localdate()
    start, end, deadline = reminder_period(today=today, brand=brand)
    days_left = (deadline - today).days
    if days_left < 0 or days_left > REMINDER_DAYS_BEFORE:
        return {}
    code = "declaration_last_call" if days_left <= LAST_CALL_DAYS_BEFORE else "declaration_reminder"
    month = start.isoformat()
    if Message.objects.filter(brand=brand, code=code, params__period_month=month).exists():
        return {}
    users = undeclared_users(brand=brand, start=start, end=end)
    message = notification_send(
        brand=brand,
        kind=code,
        users=users,
        params={"period_month": month, "deadline_on": deadline.isoformat()},
    )
    return {code: message.recipient_count if message else 0}

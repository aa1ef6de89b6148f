"""What a declaration reminder changed: on-time declaration of the partners reminded, against comparable
partners that were not (their users turned the reminder off, or got only a later last call).

Built on the effect measurement (``relais.insights.effect``): a panel of per-month on-time flags, the
matching of comparable partners (``match_partners``: same strata as the challenges' measure — sales
channel, kind, country, relaxed level by level — nearest by the pre-period on-time share, inside a caliper
of ``CALIPER``), then ``sharing_effect``: the reminded partners' change in on-time share from the
pre-period to the reminder's month, minus the comparable partners' change, in percentage points.

Who is compared: the brand's active partners that had not declared the month when the reminder went out
(those the reminder was for). Reminded: a delivery of the reminder reached one of its users. A partner
that had declared before is neither: it says nothing about the reminder. The pre-period is the
``PRE_MONTHS`` months before (fewer when the brand's declarations start later; at least
``MIN_PRE_MONTHS``). A month counts on time when a submitted declaration covering it was first submitted
by the month's deadline (``RELAIS_DECLARATION_GRACE_DAYS`` after its end), the reminders' own rule.

Not measurable, honestly, before the month's deadline has passed (``declarations_due``), with fewer than
``EffectOptions.min_participants`` reminded or ``min_controls`` comparable partners, or too short a history.
Queries: a fixed number per reminder (its deliveries, the declarations of the months, the partners).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from relais.comms.models import Message
from relais.core.models import Brand
from relais.insights.effect import EffectOptions, NotMeasurable, PartnerSeries, SharingEffect, refusal_message
from relais.insights.effect.estimate import sharing_effect
from relais.insights.effect.matching import match_partners
from relais.insights.periods import month_next, month_start, months_covering
from relais.network.models import PartnerCompany
from relais.sellout.models import Declaration

REMINDER_CODES = ("declaration_reminder", "declaration_last_call")
PRE_MONTHS = 12
MIN_PRE_MONTHS = 3
# On-time shares are in [0, 1]: a comparable partner was on time within 25 points of the reminded one.
CALIPER = 0.25


@dataclass(frozen=True)
class ReminderImpact:
    """The reminder's effect on on-time declaration (``effect``), or why it cannot be said (``refusal``)."""

    message_id: int
    month: dt.date
    deadline: dt.date
    reminded: int
    candidates: int
    outcome: SharingEffect | NotMeasurable
    compared: int = 0
    pre_months: int = 0

    @property
    def effect(self) -> SharingEffect | None:
        return self.outcome if isinstance(self.outcome, SharingEffect) else None

    @property
    def refusal_text(self) -> str:
        """The refusal in the active language (empty when measured)."""
        return refusal_message(self.outcome) if isinstance(self.outcome, NotMeasurable) else ""


def _grace_days() -> int:
    return int(getattr(settings, "RELAIS_DECLARATION_GRACE_DAYS", 10))


def _on_time_months(
    *, brand: Brand, months: list[dt.date], grace_days: int
) -> tuple[dict[int, set[int]], dict[int, dt.datetime]]:
    """By partner: the indexes of the months declared on time; and when each partner first declared the
    last month (any time)."""
    index = {month: i for i, month in enumerate(months)}
    tz = timezone.get_current_timezone()
    rows = (
        Declaration.objects.filter(
            brand=brand,
            submitted_at__isnull=False,
            period_start__lt=month_next(months[-1]),
            period_end__gte=months[0],
        )
        .exclude(status=Declaration.Status.DRAFT)
        .values("partner_id", "period_start", "period_end")
        .annotate(first=Min("submitted_at"))
        .values_list("partner_id", "period_start", "period_end", "first")
    )
    on_time: dict[int, set[int]] = {}
    first_of_last: dict[int, dt.datetime] = {}
    last = len(months) - 1
    for partner_id, start, end, first in rows:
        covered = [index[m] for m in months_covering(start, end) if m in index]
        for i in covered:
            deadline = dt.datetime.combine(
                month_next(months[i]) + dt.timedelta(days=grace_days), dt.time.min, tzinfo=tz
            )
            if first < deadline:
                on_time.setdefault(partner_id, set()).add(i)
        if last in covered:
            previous = first_of_last.get(partner_id)
            first_of_last[partner_id] = first if previous is None else min(previous, first)
    return on_time, first_of_last


def reminder_impact(
    *, brand: Brand, message: Message, today: dt.date | None = None, options: EffectOptions | None = None
) -> ReminderImpact:
    """The effect of one reminder (or last call) of ``brand`` on on-time declaration (module docstring)."""
    options = options or EffectOptions(caliper=CALIPER)
    today = today or timezone.localdate()
    grace_days = _grace_days()
    month = month_start(dt.date.fromisoformat(message.params["period_month"]))
    deadline = dt.date.fromisoformat(message.params["deadline_on"])
    reminded_ids = set(message.deliveries.exclude(partner_id=None).values_list("partner_id", flat=True))

    def impact(outcome: SharingEffect | NotMeasurable, **more: int) -> ReminderImpact:
        fields = {"reminded": len(reminded_ids), "candidates": 0, **more}
        return ReminderImpact(
            message_id=message.pk, month=month, deadline=deadline, outcome=outcome, **fields
        )

    if today <= deadline:
        return impact(
            NotMeasurable(
                "declarations_due", {"days_left": (deadline - today).days + 1, "grace_days": grace_days}
            )
        )
    first_declared = (
        Declaration.objects.filter(brand=brand, submitted_at__isnull=False)
        .exclude(status=Declaration.Status.DRAFT)
        .aggregate(first=Min("period_start"))["first"]
    )
    pre_start = max(month_start(first_declared or month), _months_back(month, PRE_MONTHS))
    months = months_covering(pre_start, month)
    pre = len(months) - 1
    if pre < MIN_PRE_MONTHS:
        return impact(NotMeasurable("too_few_pre_periods", {"pre_periods": pre, "required": MIN_PRE_MONTHS}))
    on_time, first_of_month = _on_time_months(brand=brand, months=months, grace_days=grace_days)
    codes = {
        pk: (channel, kind, country)
        for pk, channel, kind, country in PartnerCompany.objects.filter(
            brand=brand, is_active=True
        ).values_list("pk", "channel", "kind", "country")
    }
    # Those the reminder was for: not declared when it went out.
    undeclared = {pk for pk in codes if pk not in first_of_month or first_of_month[pk] >= message.created_at}
    participants = sorted(undeclared & reminded_ids)
    candidates = sorted(undeclared - reminded_ids)
    if len(participants) < options.min_participants:
        return impact(
            NotMeasurable(
                "too_few_participants",
                {"participants": len(participants), "required": options.min_participants},
            ),
            candidates=len(candidates),
        )
    if not candidates:
        return impact(NotMeasurable("no_candidates", {"participants": len(participants)}))
    series = []
    for partner_id in [*participants, *candidates]:
        flags = [i in on_time.get(partner_id, set()) for i in range(len(months))]
        channel, kind, country = codes[partner_id]
        series.append(
            PartnerSeries(
                partner_id=partner_id,
                participant=partner_id in reminded_ids,
                units=[0.0] * len(months),
                amount=[0.0] * len(months),
                segment=channel,
                kind=kind,
                country=country,
                shared=flags,
                on_time=flags,
            )
        )
    participant = np.array([s.participant for s in series], dtype=np.bool_)
    level = np.array([np.mean(s.on_time[:pre]) for s in series if s.on_time is not None], dtype=np.float64)
    matching = match_partners(series, participant, (level, np.zeros_like(level)), options)
    counts = {"candidates": len(candidates), "pre_months": pre}
    if matching.participants.size < options.min_participants:
        refusal = NotMeasurable(
            "too_few_participants",
            {"participants": int(matching.participants.size), "required": options.min_participants},
        )
        return impact(refusal, **counts)
    if matching.controls.size < options.min_controls:
        refusal = NotMeasurable(
            "too_few_controls", {"controls": int(matching.controls.size), "required": options.min_controls}
        )
        return impact(refusal, **counts)
    effect = sharing_effect(series, "on_time", matching, (pre, len(months)))
    assert effect is not None  # every partner has its on-time flags
    return impact(effect, compared=int(matching.controls.size), **counts)


def _months_back(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 - count
    return dt.date(index // 12, index % 12 + 1, 1)


def reminder_impacts(
    *, brand: Brand, limit: int = 6, today: dt.date | None = None
) -> dict[int, ReminderImpact]:
    """The impact of the brand's latest reminders and last calls sent, by message id (the campaigns page)."""
    messages = Message.objects.filter(brand=brand, code__in=REMINDER_CODES, sent_at__isnull=False).order_by(
        "-created_at"
    )[:limit]
    return {m.pk: reminder_impact(brand=brand, message=m, today=today) for m in messages}

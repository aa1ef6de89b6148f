"""What an intervention changed, read from the rollups: the challenge page and the brand analytics.

Generic for any intervention with eligible partners and a period (a challenge now; a promotion or a program
when they exist): ``intervention_panel`` builds the panel of ``relais.insights.effect`` from the monthly
rollups and the declarations, ``intervention_effect`` measures and prices it, ``challenge_impact`` says who
a challenge's participants and candidate controls are. docs/insights.md ("What each challenge changed")
says the same for the user.

The choices, and why:

- *Months.* The rollups' grain: the window is every month the period touches; the pre-period is the
  ``PRE_MONTHS_MAX`` months before it, or fewer when the brand's figures start later (at least 12 are
  needed, the measure refuses otherwise). A partner's month without figures counts 0; a month's net units
  or amount below zero (more returns than sales) count 0; a partner without figures in any of these months
  is left out (its sell-out is unknown, not zero).
- *One segment code per partner*, for matching: its sales channel (``PartnerCompany.channel``: retail,
  web, agents, direct). The brand's segments overlap, and a challenge targets some of them, so a
  participant's own segments hold no non-participant by construction; the channel is single-valued, fixed,
  and what drives seasonality, alike for participants and non-participants. Kind and country are the
  partner's own.
- *When a period counts.* While the window's last month is open, the series stops at the current month,
  with its elapsed share (the measure refuses: nothing is claimed about a running intervention). Once it
  is over, declarations for it are still due for ``DECLARATION_GRACE_DAYS``: until then the measure
  refuses too (``declarations_due``), since the partners that declare on time (the ones a quality bonus
  rewards) would look like extra sell-out.
- *Data sharing.* A partner shared a month when one of its submitted declarations overlaps it, on time
  when that declaration was first submitted at most ``DECLARATION_GRACE_DAYS`` after its own period end:
  the network coverage's definitions (``dashboard.network_coverage``), per partner and month.
- *Cost.* There is no value of a point (neither the brand nor the challenge sets one): the cost is read
  in points, per extra unit and per 100 of extra sell-out in the brand's currency.

Queries: a fixed number whatever the number of partners (one grouped read of the rollups, one of the
declarations, one of the partners); the challenge's participants and the overlapping challenges add two per
challenge.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Min, Q, Sum
from django.utils import timezone

from relais.core.models import Brand
from relais.incentives.models import Challenge
from relais.incentives.rules import challenge_eligible_partners
from relais.insights.effect import (
    EffectCost,
    EffectOptions,
    EffectPanel,
    EffectResult,
    NotMeasurable,
    PartnerSeries,
    effect_cost,
    effect_measure,
    refusal_message,
)
from relais.insights.models import SelloutRollup
from relais.insights.periods import month_next, month_start, months_covering
from relais.insights.selectors.common import DECLARATION_GRACE_DAYS
from relais.network.models import PartnerCompany
from relais.sellout.models import Declaration

# Two seasons when the brand has them: a longer pre-period fits the trends better; older months weigh
# the line towards a past the brand no longer lives in.
PRE_MONTHS_MAX = 24
# No value of a point is set anywhere: costs are read in points.
POINT_VALUE = Decimal(1)
MEASURED_STATUSES = (Challenge.Status.RUNNING, Challenge.Status.CLOSED)


@dataclass(frozen=True)
class InterventionEffect:
    """What the intervention changed (``result``), or why it cannot be said (``refusal``), and its cost.

    ``cost`` is in points (``effect_cost`` with a point worth 1): per extra unit and per 100 of extra
    sell-out in ``currency``. ``participants`` and ``candidates`` count the partners eligible on each side
    before matching; ``first_month`` and ``last_month`` are the window's.
    """

    outcome: EffectResult | NotMeasurable
    cost: EffectCost | None
    points: int
    currency: str
    first_month: dt.date
    last_month: dt.date
    participants: int
    candidates: int

    @property
    def result(self) -> EffectResult | None:
        return self.outcome if isinstance(self.outcome, EffectResult) else None

    @property
    def refusal(self) -> NotMeasurable | None:
        return self.outcome if isinstance(self.outcome, NotMeasurable) else None

    @property
    def message(self) -> str:
        """The refusal in the active language (empty when measured)."""
        return refusal_message(self.outcome) if isinstance(self.outcome, NotMeasurable) else ""


def _months_back(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 - count
    return dt.date(index // 12, index % 12 + 1, 1)


def _series_end(
    *, first: dt.date, last: dt.date, today: dt.date, grace_days: int
) -> tuple[dt.date, float] | NotMeasurable:
    """The series' last month and its elapsed share, or the refusal of a window not yet complete."""
    current = month_start(today)
    if current < first:
        return NotMeasurable("period_incomplete", {"elapsed_percent": 0})
    if current <= last:
        days = calendar.monthrange(current.year, current.month)[1]
        # Today is not over: at least a day elapsed, never the whole month.
        return current, max(today.day - 1, 1) / days
    due = month_next(last) + dt.timedelta(days=grace_days)
    if today < due:
        return NotMeasurable("declarations_due", {"days_left": (due - today).days, "grace_days": grace_days})
    return last, 1.0


def _monthly_figures(
    *, brand: Brand, since: dt.date, until: dt.date
) -> dict[int, dict[dt.date, tuple[float, float]]]:
    """(units, amount in the brand's currency) by partner and month: one grouped read of the rollups.

    The whole brand is read and the panel's partners picked afterwards: a filter on thousands of ids costs
    more than the rows it spares.
    """
    rows = (
        SelloutRollup.objects.filter(brand=brand, month__gte=since, month__lte=until)
        .values("partner_id", "month")
        .annotate(u=Sum("units"), a=Sum("amount_cents", filter=Q(currency=brand.currency)))
        .values_list("partner_id", "month", "u", "a")
    )
    out: dict[int, dict[dt.date, tuple[float, float]]] = {}
    for partner_id, month, units, cents in rows:
        out.setdefault(partner_id, {})[month] = (
            max(float(units or 0), 0.0),
            max(float(cents or 0), 0.0) / 100,
        )
    return out


def _sharing_flags(
    *, brand: Brand, months: list[dt.date], grace_days: int
) -> dict[int, tuple[set[int], set[int]]]:
    """By partner, the indexes of the months it shared sell-out for, and of those it shared on time."""
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
    out: dict[int, tuple[set[int], set[int]]] = {}
    for partner_id, start, end, first in rows:
        deadline = dt.datetime.combine(end + dt.timedelta(days=grace_days + 1), dt.time.min, tzinfo=tz)
        shared, on_time = out.setdefault(partner_id, (set(), set()))
        covered = {index[m] for m in months_covering(start, end) if m in index}
        shared |= covered
        if first < deadline:
            on_time |= covered
    return out


def _partner_codes(*, brand: Brand) -> dict[int, tuple[str, str, str]]:
    """(segment code = sales channel, kind, country) of every partner of the brand."""
    rows = PartnerCompany.objects.filter(brand=brand).values_list("pk", "channel", "kind", "country")
    return {pk: (channel, kind, country) for pk, channel, kind, country in rows}


def intervention_panel(
    *,
    brand: Brand,
    partner_ids: Collection[int],
    candidates: Collection[int],
    window_start: dt.date,
    window_end: dt.date,
    today: dt.date,
    grace_days: int = DECLARATION_GRACE_DAYS,
) -> EffectPanel | NotMeasurable:
    """The panel of an intervention on the brand's partners ``partner_ids`` from ``window_start`` to
    ``window_end`` (dates, read by whole months), compared with ``candidates``: monthly units, amount and
    data-sharing flags over the pre-period and the window, or the refusal of a window not complete on
    ``today``. Candidates that also take part are participants."""
    participants = set(partner_ids)
    others = set(candidates) - participants
    if not participants:
        return NotMeasurable(
            "too_few_participants", {"participants": 0, "required": EffectOptions().min_participants}
        )
    if not others:
        return NotMeasurable("no_candidates", {"participants": len(participants)})
    first, last = month_start(window_start), month_start(window_end)
    end = _series_end(first=first, last=last, today=today, grace_days=grace_days)
    if isinstance(end, NotMeasurable):
        return end
    series_end, share = end
    figures = _monthly_figures(brand=brand, since=_months_back(first, PRE_MONTHS_MAX), until=series_end)
    with_figures = [month for by_month in figures.values() for month in by_month]
    pre_start = min([first, *with_figures])
    months = months_covering(pre_start, series_end)
    flags = _sharing_flags(brand=brand, months=months, grace_days=grace_days)
    codes = _partner_codes(brand=brand)
    partners = []
    for partner_id in sorted((participants | others) & codes.keys()):
        by_month = figures.get(partner_id)
        if not by_month:
            continue  # no figures in any month: nothing to measure, only a zero that would dilute the effect
        values = [by_month.get(month, (0.0, 0.0)) for month in months]
        shared, on_time = flags.get(partner_id, (set(), set()))
        segment, kind, country = codes[partner_id]
        partners.append(
            PartnerSeries(
                partner_id=partner_id,
                participant=partner_id in participants,
                units=[units for units, _amount in values],
                amount=[amount for _units, amount in values],
                segment=segment,
                kind=kind,
                country=country,
                shared=[i in shared for i in range(len(months))],
                on_time=[i in on_time for i in range(len(months))],
            )
        )
    return EffectPanel(
        partners=partners,
        window_start=months.index(first),
        window_end=len(months),
        last_period_share=share,
    )


def intervention_effect(
    *,
    brand: Brand,
    partner_ids: Collection[int],
    candidates: Collection[int],
    window_start: dt.date,
    window_end: dt.date,
    today: dt.date,
    points: int = 0,
    options: EffectOptions | None = None,
) -> InterventionEffect:
    """What an intervention changed for its participants ``partner_ids`` over its window, against the
    comparable ``candidates`` (``intervention_panel``, then ``effect_measure``), and what its ``points``
    cost per extra unit and per 100 of extra sell-out. A refusal claims nothing and says why."""
    panel = intervention_panel(
        brand=brand,
        partner_ids=partner_ids,
        candidates=candidates,
        window_start=window_start,
        window_end=window_end,
        today=today,
    )
    outcome = panel if isinstance(panel, NotMeasurable) else effect_measure(panel=panel, options=options)
    cost = (
        effect_cost(result=outcome, points=points, point_value=POINT_VALUE)
        if isinstance(outcome, EffectResult)
        else None
    )
    participants = set(partner_ids)
    return InterventionEffect(
        outcome=outcome,
        cost=cost,
        points=points,
        currency=brand.currency,
        first_month=month_start(window_start),
        last_month=month_start(window_end),
        participants=len(participants),
        candidates=len(set(candidates) - participants),
    )


def _overlapping_participants(*, challenge: Challenge) -> set[int]:
    """Partners that take part in another running or closed challenge over the same dates, when that one
    targets segments: they were pushed by something the participants were not. A challenge for every
    partner pushes both sides alike and excludes no one."""
    others = (
        Challenge.objects.filter(
            brand_id=challenge.brand_id,
            status__in=MEASURED_STATUSES,
            period_start__lte=challenge.period_end,
            period_end__gte=challenge.period_start,
            segments__isnull=False,
        )
        .exclude(pk=challenge.pk)
        .distinct()
    )
    excluded: set[int] = set()
    for other in others:
        excluded |= set(challenge_eligible_partners(challenge=other).values_list("pk", flat=True))
    return excluded


def challenge_impact(
    *, challenge: Challenge, today: dt.date | None = None, options: EffectOptions | None = None
) -> InterventionEffect:
    """What a challenge changed (``intervention_effect``): participants are its eligible active partners
    (incentives' own rule), candidates the brand's other active partners outside any overlapping challenge
    that targets segments; the cost is the net points it posted."""
    active = set(
        PartnerCompany.objects.filter(brand_id=challenge.brand_id, is_active=True).values_list(
            "pk", flat=True
        )
    )
    participants = active & set(challenge_eligible_partners(challenge=challenge).values_list("pk", flat=True))
    candidates = active - participants - _overlapping_participants(challenge=challenge)
    return intervention_effect(
        brand=challenge.brand,
        partner_ids=participants,
        candidates=candidates,
        window_start=challenge.period_start,
        window_end=challenge.period_end,
        today=today or timezone.localdate(),
        points=challenge.points_posted,
        options=options,
    )


def challenge_impact_find(
    *, challenge: Challenge, today: dt.date | None = None, options: EffectOptions | None = None
) -> InterventionEffect | None:
    """``challenge_impact`` of a running or closed challenge; None for a draft or a scheduled one."""
    if challenge.status not in MEASURED_STATUSES:
        return None
    return challenge_impact(challenge=challenge, today=today, options=options)

"""A simulated network (``effect_simulation``) written to the database: partners, monthly rollups, one
declaration per month shared, and a segment holding the participants, for the tests of the pages that
measure what a challenge changed."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from relais.core.models import Brand
from relais.insights.models import SelloutRollup
from relais.insights.periods import month_next
from relais.insights.tests.effect_simulation import SimulatedNetwork
from relais.network.models import Organisation, PartnerCompany, Segment, SegmentMembership
from relais.sellout.models import Declaration

# The simulation's codes as partner fields: its segments are sales channels (the segment code the pages
# match on), its kinds partner kinds.
CHANNELS = {"garden": "retail", "city": "web", "outdoor": "agents"}
KINDS = {"shop": "reseller", "online": "retailer"}


@dataclass(frozen=True)
class WrittenNetwork:
    segment: Segment
    months: list[dt.date]
    participants: list[PartnerCompany]
    partners: list[PartnerCompany]

    @property
    def window(self) -> tuple[dt.date, dt.date]:
        """The first day of the window's first month and the last day of its last month."""
        last = self.months[-1]
        return self.months[-6], last.replace(day=calendar.monthrange(last.year, last.month)[1])


def _months(last: dt.date, count: int) -> list[dt.date]:
    index = last.year * 12 + last.month - 1
    return [dt.date((index - i) // 12, (index - i) % 12 + 1, 1) for i in reversed(range(count))]


def network_write(*, brand: Brand, network: SimulatedNetwork, last_month: dt.date) -> WrittenNetwork:
    """Write ``network`` for ``brand``, its last period being ``last_month``; returns its participants'
    segment (every participant a member since before the first month)."""
    series = network.panel.partners
    months = _months(last_month, len(series[0].units))
    partners = PartnerCompany.objects.bulk_create(
        [
            PartnerCompany(
                brand=brand,
                code=f"SIM{row.partner_id:04d}",
                name=f"Simulated {row.partner_id}",
                kind=KINDS[row.kind],
                organisation=Organisation.MULTI_BRAND,
                channel=CHANNELS[row.segment],
                country=row.country,
            )
            for row in series
        ]
    )
    SelloutRollup.objects.bulk_create(
        [
            SelloutRollup(
                brand=brand,
                month=month,
                partner=partner,
                channel="in_store",
                currency=brand.currency,
                units=round(units),
                amount_cents=round(amount * 100),
                lines=1,
            )
            for partner, row in zip(partners, series, strict=True)
            for month, units, amount in zip(months, row.units, row.amount, strict=True)
        ]
    )
    Declaration.objects.bulk_create(
        [
            Declaration(
                brand=brand,
                partner=partner,
                period_start=month,
                period_end=month_next(month) - dt.timedelta(days=1),
                source="form",
                status=Declaration.Status.SUBMITTED,
                submitted_at=dt.datetime.combine(month_next(month), dt.time(9), tzinfo=dt.UTC),
            )
            for partner, row in zip(partners, series, strict=True)
            for month, shared in zip(months, row.shared or [], strict=True)
            if shared
        ]
    )
    segment = Segment.objects.create(brand=brand, name="Simulated participants")
    participants = [p for p, row in zip(partners, series, strict=True) if row.participant]
    since = dt.datetime.combine(months[0], dt.time.min, tzinfo=dt.UTC)
    SegmentMembership.objects.bulk_create(
        [SegmentMembership(segment=segment, partner=p, valid_from=since) for p in participants]
    )
    return WrittenNetwork(segment=segment, months=months, participants=participants, partners=partners)

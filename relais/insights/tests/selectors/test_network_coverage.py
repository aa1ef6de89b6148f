import datetime as dt

import pytest

from relais.insights.selectors import network_coverage, period_clean
from relais.insights.tests.factories import declaration_with_lines, product
from relais.network.models import PartnerCompany
from relais.network.services import segment_create
from relais.network.tests.factories import PartnerFactory
from relais.sellout.models import Declaration

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


def test_coverage_counts_declared_and_on_time_active_partners(brand):
    item = product(brand)
    on_time, late, silent, draft_only = (PartnerFactory(brand=brand) for _ in range(4))
    inactive = PartnerFactory(brand=brand, is_active=False)
    line = [{"product": item, "quantity": 1, "amount": 1, "sale_date": dt.date(2026, 3, 10)}]

    def declared(partner: PartnerCompany, submitted_at: dt.datetime | None = None) -> Declaration:
        """A declaration of March (the whole month), submitted at ``submitted_at`` (by default now)."""
        return declaration_with_lines(
            partner=partner,
            lines=line,
            submitted_at=submitted_at,
            period_start=dt.date(2026, 3, 1),
            period_end=dt.date(2026, 3, 31),
        )

    declared(on_time, submitted_at=at(dt.date(2026, 4, 10)))
    declared(late, submitted_at=at(dt.date(2026, 4, 11)))
    declared(inactive)
    draft = declared(draft_only)
    Declaration.objects.filter(pk=draft.pk).update(status=Declaration.Status.DRAFT, submitted_at=None)
    period = period_clean(brand=brand, start="2026-03", end="2026-03")

    coverage = network_coverage(brand=brand, period=period, grace_days=10)

    assert coverage == {
        "active": 4,
        "declared": 2,
        "on_time": 1,
        "declared_share": 50,
        "on_time_share": 25,
        "grace_days": 10,
    }
    assert silent.pk not in {on_time.pk, late.pk}
    # A longer grace makes the late partner on time; another period sees nobody.
    assert network_coverage(brand=brand, period=period, grace_days=11)["on_time"] == 2
    april = period_clean(brand=brand, start="2026-04", end="2026-04")
    assert network_coverage(brand=brand, period=april)["declared"] == 0


def test_coverage_within_a_segment(brand):
    item = product(brand)
    north = PartnerFactory(brand=brand, region="Bretagne")
    PartnerFactory(brand=brand, region="Occitanie")
    declaration_with_lines(
        partner=north, lines=[{"product": item, "quantity": 1, "amount": 1, "sale_date": dt.date(2026, 3, 2)}]
    )
    segment = segment_create(brand=brand, name="West", rules={"region": ["Bretagne"]})
    period = period_clean(brand=brand, start="2026-03", end="2026-03")
    coverage = network_coverage(brand=brand, period=period, segment=segment)
    assert (coverage["active"], coverage["declared"], coverage["declared_share"]) == (1, 1, 100)

"""The filter bar's period and segment, and the months they cover."""

import datetime as dt

import pytest

from relais.core.models import Brand
from relais.insights.periods import months_covering
from relais.insights.selectors import period_clean, segment_find
from relais.network.services import segment_create


def test_months_covering_takes_whole_months_from_the_first_day_to_the_last() -> None:
    assert months_covering(dt.date(2025, 11, 15), dt.date(2026, 2, 1)) == [
        dt.date(2025, 11, 1),
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
    ]
    assert months_covering(dt.date(2026, 3, 2), dt.date(2026, 2, 27)) == []


@pytest.mark.django_db
def test_period_clean_orders_its_bounds_and_reads_months(brand: Brand) -> None:
    period = period_clean(brand=brand, start="2026-05", end="2026-02-17")

    assert (period.start, period.end, period.stop) == (
        dt.date(2026, 2, 1),
        dt.date(2026, 5, 1),
        dt.date(2026, 6, 1),
    )
    assert len(period.months) == 4


@pytest.mark.django_db
def test_segment_find_returns_none_for_anything_but_one_of_the_brands_segments(
    brand: Brand, other_brand: Brand
) -> None:
    mine = segment_create(brand=brand, name="Mine", rules={})
    theirs = segment_create(brand=other_brand, name="Theirs", rules={})

    assert segment_find(brand=brand, segment_id=str(mine.pk)) == mine
    assert segment_find(brand=brand, segment_id=theirs.pk) is None
    assert segment_find(brand=brand, segment_id="") is None
    assert segment_find(brand=brand, segment_id="abc") is None
    assert segment_find(brand=brand, segment_id=None) is None

"""The review queue's reads: flagged lines of submitted declarations, narrowed by the anomaly code or the price
check, by partner and by sale dates; suspicious partners with their flagged amount."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relais.catalog.tests.factories import ProductFactory
from relais.sellout.models import DeclarationLine, Source
from relais.sellout.review_queue import ReviewQueueFilter, review_queue_lines, review_queue_partners
from relais.sellout.services import declaration_create, declaration_lines_add, declaration_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines(brand, partner, other_partner):
    """Three flagged lines (price 10× the list price): one also a quantity anomaly, one a possible duplicate."""
    drill = ProductFactory(brand=brand, list_price="120.00")
    flagged = []
    for who, days in ((partner, (2, 3)), (other_partner, (4,))):
        declaration = declaration_create(
            partner=who, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), source=Source.FORM
        )
        declaration_lines_add(
            declaration=declaration,
            rows=[
                {"gtin": drill.gtin, "quantity": "1", "unit_price": "1200", "sale_date": f"2026-10-{day:02d}"}
                for day in days
            ],
        )
        declaration_submit(declaration=declaration)
        flagged += list(DeclarationLine.objects.filter(declaration=declaration).order_by("pk"))
    first, second, third = flagged
    DeclarationLine.objects.filter(pk=first.pk).update(
        anomalies=[{"code": "quantity_high", "quantity": 1, "times": 9, "usual": 2}]
    )
    DeclarationLine.objects.filter(pk=third.pk).update(anomalies=[{"code": "duplicate_in_file", "row": 2}])
    return first, second, third


def ids(queryset) -> list[int]:
    return sorted(line.pk for line in queryset)


def test_the_reason_filter_finds_the_lines_with_that_anomaly(brand, lines):
    first, _second, third = lines

    assert ids(review_queue_lines(brand=brand, criteria=ReviewQueueFilter(reason="quantity_high"))) == [
        first.pk
    ]
    assert ids(review_queue_lines(brand=brand, criteria=ReviewQueueFilter(reason="duplicate_in_file"))) == [
        third.pk
    ]
    assert ids(review_queue_lines(brand=brand, criteria=ReviewQueueFilter(reason="month_volume"))) == []
    assert len(ids(review_queue_lines(brand=brand, criteria=ReviewQueueFilter(reason="price")))) == 3


def test_partner_and_period_narrow_the_queue(brand, partner, lines):
    first, second, _third = lines

    mine = review_queue_lines(brand=brand, criteria=ReviewQueueFilter(partner=partner))
    later = review_queue_lines(brand=brand, criteria=ReviewQueueFilter(period_from=date(2026, 10, 3)))

    assert ids(mine) == [first.pk, second.pk]
    assert ids(later) == sorted([second.pk, lines[2].pk])


def test_suspicious_partners_come_most_amount_flagged_first(brand, partner, other_partner, lines):
    partners = review_queue_partners(brand=brand, criteria=ReviewQueueFilter())

    assert [(p.partner_id, p.lines, p.units, p.amount) for p in partners] == [
        (partner.pk, 2, 2, Decimal("2400.00")),
        (other_partner.pk, 1, 1, Decimal("1200.00")),
    ]


def test_another_brands_queue_is_empty(other_brand, lines):
    assert not review_queue_lines(brand=other_brand, criteria=ReviewQueueFilter()).exists()

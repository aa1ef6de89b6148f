import datetime as dt
import random

import pytest

from relais.insights.demo import load
from relais.insights.selectors import dashboard_totals, period_clean
from relais.insights.tests.factories import declaration_with_lines, product

pytestmark = pytest.mark.django_db


def test_demo_load_builds_the_rollups(brand, partner):
    item = product(brand)
    declaration_with_lines(
        partner=partner,
        lines=[{"product": item, "quantity": 6, "amount": 60, "sale_date": dt.date(2026, 5, 2)}],
    )
    stats = load(brand=brand, rng=random.Random(1))
    assert stats["months"] == 1
    totals = dashboard_totals(brand=brand, period=period_clean(brand=brand))
    assert totals["units"] == 6

"""End to end with the sell-out services: lines added and submitted, a flagged line (counted nowhere) rejected
in review, a return — the dashboard totals follow the counted lines after each rollup refresh."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum

from relais.followups.declarations import declaration_submit, line_review
from relais.followups.network import partner_update
from relais.insights.models import CubeDimension, SelloutCube
from relais.insights.selectors import dashboard_totals, period_clean
from relais.insights.services import rollup_after_declaration
from relais.network.tests.factories import SegmentFactory
from relais.sellout.models import DeclarationLine
from relais.sellout.services import declaration_create, declaration_lines_add
from relais.sellout.tests.factories import catalogue, ean13

pytestmark = pytest.mark.django_db


def counted(brand):
    sums = DeclarationLine.objects.filter(brand=brand, status=DeclarationLine.Status.ACCEPTED).aggregate(
        u=Sum("quantity"), a=Sum("amount")
    )
    return int(sums["u"] or 0), Decimal(sums["a"] or 0).quantize(Decimal("0.01"))


def test_totals_follow_submissions_reviews_and_returns(brand, partner, brand_admin):
    catalogue(brand, count=2, list_price=Decimal("20.00"))
    declaration = declaration_create(
        partner=partner, period_start=dt.date(2026, 10, 1), period_end=dt.date(2026, 10, 31), source="api"
    )
    result = declaration_lines_add(
        declaration=declaration,
        rows=[
            {"gtin": ean13(1), "quantity": 3, "amount": "59.70", "sale_date": "2026-10-03"},
            {"gtin": ean13(2), "quantity": 1, "amount": "19.90", "sale_date": "2026-10-04", "channel": "web"},
            # far below the list price: flagged for the brand's review
            {"gtin": ean13(2), "quantity": 1, "amount": "1.00", "sale_date": "2026-10-05"},
            # a return
            {"gtin": ean13(1), "quantity": -1, "amount": "-19.90", "sale_date": "2026-10-06"},
        ],
    )
    assert result.flagged == 1, result.as_dict()
    declaration_submit(declaration=declaration)
    rollup_after_declaration(declaration=declaration)
    period = period_clean(brand=brand, start="2026-10", end="2026-10")
    totals = dashboard_totals(brand=brand, period=period)
    # The flagged line waits for the brand's review: it counts nowhere yet.
    assert (totals["units"], totals["amount"]) == counted(brand) == (3, Decimal("59.70"))

    flagged = DeclarationLine.objects.get(declaration=declaration, status=DeclarationLine.Status.FLAGGED)
    line_review(line=flagged, approve=False, user=brand_admin)
    rollup_after_declaration(declaration=declaration)
    totals = dashboard_totals(brand=brand, period=period)
    assert (totals["units"], totals["amount"]) == counted(brand) == (3, Decimal("59.70"))


def test_the_segment_figures_follow_a_change_of_membership(
    brand, partner, brand_admin, django_capture_on_commit_callbacks
):
    catalogue(brand, count=1, list_price=Decimal("20.00"))
    belgians = SegmentFactory(brand=brand, rules={"country": ["BE"]})
    declaration = declaration_create(
        partner=partner, period_start=dt.date(2026, 10, 1), period_end=dt.date(2026, 10, 31), source="api"
    )
    declaration_lines_add(
        declaration=declaration,
        rows=[{"gtin": ean13(1), "quantity": 5, "amount": "100.00", "sale_date": "2026-10-03"}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        declaration_submit(declaration=declaration)

    def segment_units() -> int:
        row = SelloutCube.objects.filter(
            brand=brand, segment=belgians, dimension=CubeDimension.TOTAL, month=dt.date(2026, 10, 1)
        ).first()
        return row.units if row else 0

    assert partner.country != "BE" and segment_units() == 0
    with django_capture_on_commit_callbacks(execute=True):
        partner_update(partner=partner, country="BE", region="Wallonie")
    assert segment_units() == 5

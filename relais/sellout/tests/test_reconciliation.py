"""Reconciliation: figures asserted on a fixture with known stock movements; the command; the brand page."""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from conftest import login_client
from relais.accounts.models import Role
from relais.accounts.tests.factories import UserFactory
from relais.network.tests.factories import PartnerFactory
from relais.sellout.models import Declaration, DeclarationLine, Source
from relais.sellout.reconciliation import month_bounds, reconciliation_rows
from relais.stock.tests.factories import SellInLineFactory, StockSnapshotFactory, products

pytestmark = pytest.mark.django_db

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def sold(
    partner, product, quantity: int, day: dt.date, *, status=DeclarationLine.Status.ACCEPTED, draft=False
):
    declaration = Declaration.objects.create(
        brand=partner.brand,
        partner=partner,
        period_start=day.replace(day=1),
        period_end=day,
        source=Source.FORM,
        status=Declaration.Status.DRAFT if draft else Declaration.Status.SUBMITTED,
    )
    DeclarationLine.objects.create(
        brand=partner.brand,
        partner=partner,
        declaration=declaration,
        product=product,
        gtin=product.gtin,
        quantity=quantity,
        amount=Decimal(quantity * 10),
        currency="EUR",
        sale_date=day,
        status=status,
        dedup_key=uuid.uuid4().hex,
    )


@pytest.fixture
def movements(brand, partner, other_partner):
    """R001 / product 1: opening 10, sell-in 20 (12 + 8), sell-out 25 (15 + 10), closing 5 → gap 0.
    R001 / product 2: opening 4, sell-in 10, sell-out 3, closing 1 → gap 10 (flagged).
    R002 / product 1: sell-in 6, sell-out 2, no stock report → opening, closing and gap unknown."""
    first, second, _third = products(brand, 3)
    StockSnapshotFactory(partner=partner, product=first, stock_date=dt.date(2026, 2, 20), quantity=99)
    StockSnapshotFactory(
        partner=partner, product=first, stock_date=dt.date(2026, 2, 28), quantity=6, location="A"
    )
    StockSnapshotFactory(
        partner=partner, product=first, stock_date=dt.date(2026, 2, 28), quantity=4, location="B"
    )
    SellInLineFactory(partner=partner, product=first, ship_date=dt.date(2026, 3, 3), quantity=12)
    SellInLineFactory(partner=partner, product=first, ship_date=dt.date(2026, 3, 20), quantity=8)
    SellInLineFactory(partner=partner, product=first, ship_date=dt.date(2026, 4, 1), quantity=500)  # April
    sold(partner, first, 15, dt.date(2026, 3, 10))
    sold(partner, first, 10, dt.date(2026, 3, 25))
    sold(partner, first, 7, dt.date(2026, 3, 26), status=DeclarationLine.Status.REJECTED)  # not counted
    sold(partner, first, 9, dt.date(2026, 3, 27), draft=True)  # not counted
    StockSnapshotFactory(partner=partner, product=first, stock_date=dt.date(2026, 3, 15), quantity=30)
    StockSnapshotFactory(partner=partner, product=first, stock_date=dt.date(2026, 3, 31), quantity=5)

    StockSnapshotFactory(partner=partner, product=second, stock_date=dt.date(2026, 2, 28), quantity=4)
    SellInLineFactory(partner=partner, product=second, ship_date=dt.date(2026, 3, 5), quantity=10)
    sold(partner, second, 3, dt.date(2026, 3, 6))
    StockSnapshotFactory(partner=partner, product=second, stock_date=dt.date(2026, 3, 31), quantity=1)

    SellInLineFactory(partner=other_partner, product=first, ship_date=dt.date(2026, 3, 5), quantity=6)
    sold(other_partner, first, 2, dt.date(2026, 3, 8))
    return first, second


def _by_key(rows):
    return {(row["partner"], row["gtin"]): row for row in rows}


def test_known_movements_reconcile_to_the_expected_gaps(brand, movements):
    first, second = movements
    rows = _by_key(
        row.as_dict() for row in reconciliation_rows(brand=brand, period_start=MARCH[0], period_end=MARCH[1])
    )
    assert set(rows) == {("R001", first.gtin), ("R001", second.gtin), ("R002", first.gtin)}
    assert rows[("R001", first.gtin)] == {
        "partner": "R001",
        "gtin": first.gtin,
        "opening_stock": 10,
        "sell_in": 20,
        "sell_out": 25,
        "closing_stock": 5,
        "gap": 0,
        "flagged": False,
    }
    assert (rows[("R001", second.gtin)]["gap"], rows[("R001", second.gtin)]["flagged"]) == (10, True)
    assert rows[("R002", first.gtin)] == {
        "partner": "R002",
        "gtin": first.gtin,
        "opening_stock": None,
        "sell_in": 6,
        "sell_out": 2,
        "closing_stock": None,
        "gap": None,
        "flagged": False,
    }


def test_the_tolerance_decides_what_is_flagged(brand, movements):
    _first, second = movements
    rows = reconciliation_rows(brand=brand, period_start=MARCH[0], period_end=MARCH[1], tolerance_units=10)
    assert not next(r for r in rows if r.gtin == second.gtin).flagged
    rows = reconciliation_rows(
        brand=brand,
        period_start=MARCH[0],
        period_end=MARCH[1],
        tolerance_units=0,
        tolerance_share=Decimal("0.8"),
    )
    assert not next(r for r in rows if r.gtin == second.gtin).flagged  # 10 ≤ 0.8 × (4 + 10)


def test_one_partner_and_another_brand_are_scoped(brand, other_brand, partner, movements):
    assert {
        r.partner
        for r in reconciliation_rows(brand=brand, period_start=MARCH[0], period_end=MARCH[1], partner=partner)
    } == {"R001"}
    assert reconciliation_rows(brand=other_brand, period_start=MARCH[0], period_end=MARCH[1]) == []


def test_month_bounds():
    assert month_bounds("2026-02") == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert month_bounds("2026-12") == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    with pytest.raises(ValueError):
        month_bounds("2026-13")


def test_the_command_prints_the_rows_as_json(brand, movements):
    first, _second = movements
    out = io.StringIO()
    call_command("reconcile", "--brand", "acme", "--period", "2026-03", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert list(result) == ["rows"]
    assert {tuple(row) for row in result["rows"]} == {
        (
            "partner",
            "gtin",
            "opening_stock",
            "sell_in",
            "sell_out",
            "closing_stock",
            "gap",
            "flagged",
        )
    }
    assert _by_key(result["rows"])[("R001", first.gtin)]["gap"] == 0
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("reconcile", "--brand", "acme", "--period", "March")


def test_the_brand_page_shows_the_reconciliation(brand, brand_admin, movements):
    first, _second = movements
    client = login_client(brand_admin)
    response = client.get(reverse("sellout:brand_reconciliation"), {"period": "2026-03"})
    assert response.status_code == 200
    body = response.content.decode()
    assert first.gtin in body and "R002" in body
    assert response.context["flagged"] == 1


def test_the_brand_page_flagged_filter_and_bad_period(brand, brand_admin, movements):
    client = login_client(brand_admin)
    response = client.get(reverse("sellout:brand_reconciliation"), {"period": "2026-03", "flagged": "1"})
    assert [row.gap for row in response.context["rows"]] == [10]
    response = client.get(reverse("sellout:brand_reconciliation"), {"period": "nope"})
    assert response.status_code == 200
    assert response.context["error"]


def test_partner_users_cannot_open_the_brand_page(partner_admin, partner_seller, movements):
    for user in (partner_admin, partner_seller):
        response = login_client(user).get(reverse("sellout:brand_reconciliation"), {"period": "2026-03"})
        assert response.status_code in (403, 404)


def test_another_brands_staff_never_sees_this_brands_data(other_brand, movements):
    PartnerFactory(brand=other_brand, code="G001")
    staff = UserFactory(email="admin@globex.test", role=Role.BRAND_ADMIN, brand=other_brand)
    response = login_client(staff).get(reverse("sellout:brand_reconciliation"), {"period": "2026-03"})
    assert response.status_code == 200
    assert "R001" not in response.content.decode()
    assert response.context["rows"] == []


def test_the_brand_applies_the_month_to_the_points(brand, brand_admin, movements):
    client = login_client(brand_admin)

    response = client.post(reverse("sellout:brand_reconciliation_apply"), {"period": "2026-03"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("sellout:brand_reconciliation") + "?period=2026-03"
    text = response.content.decode()
    # R001 has a gap over the tolerance (product 2); R002 has no stock report.
    assert "0 partners reconcile: 0 points released." in text
    assert "1 partner does not: 0 points held until it does." in text
    assert "1 partner without stock reports: its points stay as they are." in text


def test_applying_a_bad_month_says_so_and_moves_nothing(brand_admin, movements):
    response = login_client(brand_admin).post(
        reverse("sellout:brand_reconciliation_apply"), {"period": "2026-13"}, follow=True
    )

    assert "is not a month" in response.content.decode()


def test_partner_users_cannot_apply_the_reconciliation(partner_admin, movements):
    response = login_client(partner_admin).post(
        reverse("sellout:brand_reconciliation_apply"), {"period": "2026-03"}
    )

    assert response.status_code == 403

"""A scoped channel manager's stock reconciliation: the page, its counts and applying the month reach its
partners only.

A channel manager scoped to France sees the French partner's rows (sell-in, sell-out, stock) and none of the
Belgian partner's; the page's counts are the French partner's; applying the month moves the French partner
only. The brand admin sees and applies both.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse

from conftest import login_client
from relais.accounts.scopes import brand_user_scope_set
from relais.network.tests.factories import PartnerFactory
from relais.sellout.models import Declaration, DeclarationLine, Source
from relais.stock.tests.factories import SellInLineFactory, StockSnapshotFactory, products

pytestmark = pytest.mark.django_db

MONTH = {"period": "2026-03"}


def movement(partner, product, *, opening: int, sell_in: int, sell_out: int, closing: int | None) -> None:
    """One partner × product month: opening stock at the end of February, one shipment, one sale, and the
    closing stock (None: no report, the gap is unknown)."""
    StockSnapshotFactory(partner=partner, product=product, stock_date=dt.date(2026, 2, 28), quantity=opening)
    SellInLineFactory(partner=partner, product=product, ship_date=dt.date(2026, 3, 3), quantity=sell_in)
    declaration = Declaration.objects.create(
        brand=partner.brand,
        partner=partner,
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 31),
        source=Source.FORM,
        status=Declaration.Status.SUBMITTED,
    )
    DeclarationLine.objects.create(
        brand=partner.brand,
        partner=partner,
        declaration=declaration,
        product=product,
        gtin=product.gtin,
        quantity=sell_out,
        amount=Decimal(sell_out * 10),
        currency="EUR",
        sale_date=dt.date(2026, 3, 10),
        status=DeclarationLine.Status.ACCEPTED,
        dedup_key=uuid.uuid4().hex,
    )
    if closing is not None:
        StockSnapshotFactory(
            partner=partner, product=product, stock_date=dt.date(2026, 3, 31), quantity=closing
        )


@pytest.fixture
def stock(brand, brand_admin, channel_manager):
    first, second = products(brand, 2)
    french = PartnerFactory(brand=brand, code="FR01", name="Quincaillerie Lyonnaise", country="FR")
    belgian = PartnerFactory(brand=brand, code="BE01", name="Brico Bruxelles", country="BE")
    # France: product 1 reconciles (10 + 20 - 25 - 5 = 0), product 2 does not (4 + 10 - 3 - 1 = 10).
    movement(french, first, opening=10, sell_in=20, sell_out=25, closing=5)
    movement(french, second, opening=4, sell_in=10, sell_out=3, closing=1)
    # Belgium: one product flagged (50 + 50 - 10 - 0 = 90) and one without a closing stock.
    movement(belgian, first, opening=50, sell_in=50, sell_out=10, closing=0)
    movement(belgian, second, opening=1, sell_in=1, sell_out=1, closing=None)
    brand_user_scope_set(user=channel_manager, countries=["FR"], segment_ids=[], by=brand_admin)
    return SimpleNamespace(french=french, belgian=belgian)


def test_the_reconciliation_of_a_scoped_manager_holds_its_partners_only(stock, channel_manager):
    response = login_client(channel_manager).get(reverse("sellout:brand_reconciliation"), MONTH)

    assert response.status_code == 200
    html = response.content.decode()
    assert "FR01" in html and "BE01" not in html
    assert {row.partner for row in response.context["rows"]} == {"FR01"}
    assert response.context["total"] == 2
    assert response.context["flagged"] == 1
    assert response.context["unknown"] == 0
    assert sum(row.sell_in for row in response.context["rows"]) == 30
    assert sum(row.sell_out for row in response.context["rows"]) == 28


def test_the_brand_admin_reconciles_every_partner(stock, brand_admin):
    response = login_client(brand_admin).get(reverse("sellout:brand_reconciliation"), MONTH)

    assert {row.partner for row in response.context["rows"]} == {"FR01", "BE01"}
    assert response.context["total"] == 4
    assert response.context["flagged"] == 2
    assert response.context["unknown"] == 1


def test_a_scoped_manager_applies_the_month_to_its_partners_only(stock, channel_manager, brand_admin):
    scoped = login_client(channel_manager).post(
        reverse("sellout:brand_reconciliation_apply"), MONTH, follow=True
    )
    whole = login_client(brand_admin).post(reverse("sellout:brand_reconciliation_apply"), MONTH, follow=True)

    text = scoped.content.decode()
    assert "1 partner does not: 0 points held until it does." in text
    assert "partners do not" not in text
    text = whole.content.decode()
    assert "2 partners do not: 0 points held until they do." in text


def test_a_scoped_manager_opens_the_data_quality_of_its_partners_only(stock, channel_manager):
    client = login_client(channel_manager)

    assert client.get(reverse("sellout:partner_quality", args=[stock.french.pk])).status_code == 200
    assert client.get(reverse("sellout:partner_quality", args=[stock.belgian.pk])).status_code == 404

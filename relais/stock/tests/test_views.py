"""The partner's stock page: partner users record their own stock; brand staff and other partners cannot."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import login_client
from relais.stock.models import StockSnapshot, StockSource
from relais.stock.tests.factories import StockSnapshotFactory, ean13, products

pytestmark = pytest.mark.django_db

URL = reverse("stock:portal_stock")


def test_a_partner_user_records_stock_by_hand(partner_admin, partner_seller, partner, brand):
    products(brand, 2)
    for user, quantity in ((partner_admin, 7), (partner_seller, 9)):
        client = login_client(user)
        assert client.get(URL).status_code == 200
        response = client.post(URL, {"gtin": ean13(1), "stock_date": "2026-03-31", "quantity": quantity})
        assert response.status_code == 302
    snapshot = StockSnapshot.objects.get()
    assert (snapshot.partner, snapshot.quantity, snapshot.source) == (partner, 9, StockSource.FORM)


def test_bad_input_is_shown_on_its_field(partner_admin, brand):
    products(brand, 1)
    client = login_client(partner_admin)
    response = client.post(URL, {"gtin": "3760000000000", "stock_date": "2026-03-31", "quantity": 3})
    assert response.status_code == 200
    assert "gtin" in response.context["form"].errors
    response = client.post(URL, {"gtin": ean13(1), "stock_date": "2026-03-31", "quantity": -1})
    assert "quantity" in response.context["form"].errors
    assert not StockSnapshot.objects.exists()


def test_only_the_partners_own_stock_is_listed(partner_admin, partner, other_partner, brand):
    first = products(brand, 1)[0]
    StockSnapshotFactory(partner=other_partner, product=first, quantity=123456)
    StockSnapshotFactory(partner=partner, product=first, quantity=654)
    body = login_client(partner_admin).get(URL).content.decode()
    assert "654" in body and "123456" not in body


def test_brand_staff_cannot_open_the_partner_stock_page(brand_admin):
    assert login_client(brand_admin).get(URL).status_code == 403

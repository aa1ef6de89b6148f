"""Factories for stock tests: products with known GTINs, sell-in lines and stock snapshots."""

from __future__ import annotations

import datetime as dt

import factory
from stdnum import ean

from relais.catalog.models import Product
from relais.network.tests.factories import PartnerFactory
from relais.stock.models import SellInLine, StockSnapshot


def ean13(n: int) -> str:
    body = f"376999{n:06d}"
    return body + ean.calc_check_digit(body)


def products(brand, count: int = 3) -> list[Product]:
    """``count`` products of ``brand`` whose GTIN-14 is '0' + ean13(i), i = 1..count."""
    return [
        Product.objects.create(brand=brand, gtin="0" + ean13(i), name=f"Produit {i}", currency="EUR")
        for i in range(1, count + 1)
    ]


class SellInLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SellInLine

    partner = factory.SubFactory(PartnerFactory)
    brand = factory.SelfAttribute("partner.brand")
    gtin = factory.SelfAttribute("product.gtin")
    ship_date = dt.date(2026, 3, 10)
    reference = factory.Sequence(lambda n: f"BL{n:05d}")
    quantity = 10


class StockSnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockSnapshot

    partner = factory.SubFactory(PartnerFactory)
    brand = factory.SelfAttribute("partner.brand")
    gtin = factory.SelfAttribute("product.gtin")
    stock_date = dt.date(2026, 3, 31)
    quantity = 10

"""Factories and helpers for sell-out tests: a small catalogue with known GTINs and list prices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from stdnum import ean

from relais.catalog.models import Product
from relais.network.tests.factories import PartnerFactory
from relais.sellout.models import Declaration, Source


def ean13(n: int, prefix: str = "376123") -> str:
    """A valid EAN-13 on a test company prefix."""
    body = f"{prefix}{n:06d}"[:12]
    return body + ean.calc_check_digit(body)


def catalogue(brand, count: int = 5, list_price: Decimal = Decimal("20.00")) -> list[Product]:
    """``count`` products with GTIN-14 '0' + ean13(i) and the same list price."""
    return [
        Product.objects.create(
            brand=brand, gtin="0" + ean13(i), name=f"Produit {i}", list_price=list_price, currency="EUR"
        )
        for i in range(1, count + 1)
    ]


class DeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Declaration

    partner = factory.SubFactory(PartnerFactory)
    brand = factory.SelfAttribute("partner.brand")
    period_start = dt.date(2026, 10, 1)
    period_end = dt.date(2026, 10, 31)
    source = Source.FORM

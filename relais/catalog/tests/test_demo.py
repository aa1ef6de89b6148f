"""The demo catalogue: valid GTINs, list prices, the families asked for."""

from __future__ import annotations

import random

import pytest

from relais.catalog.demo import BOREAL_FAMILIES, products_load
from relais.catalog.models import Product
from relais.core.validators import normalise_gtin

pytestmark = pytest.mark.django_db


def test_demo_products_have_valid_gtins_and_prices(brand):
    products = products_load(brand=brand, rng=random.Random(1), per_family=3, families=BOREAL_FAMILIES)

    assert len(products) == Product.objects.filter(brand=brand).count() == 9
    assert {p.family for p in products} == {family for family, *_rest in BOREAL_FAMILIES}
    for product in Product.objects.filter(brand=brand):
        assert normalise_gtin(product.gtin) == product.gtin
        assert product.list_price is not None and product.list_price > 0
        assert product.currency == brand.currency

from decimal import Decimal

import pytest

from relais.catalog.models import Product
from relais.catalog.services import product_create, product_update
from relais.catalog.tests.factories import ProductFactory
from relais.core.errors import ApplicationError


def test_product_create_normalises_the_gtin_and_defaults_the_currency(brand):
    product = product_create(brand=brand, gtin="3760123456784", name=" Lampe  frontale ", list_price="19,90")
    assert (product.gtin, product.name, product.list_price, product.currency) == (
        "03760123456784",
        "Lampe frontale",
        Decimal("19.90"),
        "EUR",
    )


def test_product_create_refuses_bad_gtins_and_duplicates(brand, other_brand):
    with pytest.raises(ApplicationError) as bad:
        product_create(brand=brand, gtin="3760123456785", name="X")
    assert bad.value.extra["field"] == "gtin"
    product_create(brand=brand, gtin="3760123456784", name="X")
    with pytest.raises(ApplicationError, match="already"):
        product_create(brand=brand, gtin="03760123456784", name="Y")
    product_create(brand=other_brand, gtin="3760123456784", name="X")  # another tenant's catalogue
    assert Product.objects.count() == 2


def test_product_update_changes_only_what_differs(brand):
    product = ProductFactory(brand=brand, name="Old", list_price=Decimal("10.00"))
    before = product.updated_at
    product_update(product=product, name="Old", list_price="10")
    product.refresh_from_db()
    assert product.updated_at == before
    product_update(product=product, name="New", currency="chf", is_active=False)
    product.refresh_from_db()
    assert (product.name, product.currency, product.is_active) == ("New", "CHF", False)
    with pytest.raises(ApplicationError):
        product_update(product=product, gtin="123")
    with pytest.raises(ApplicationError):
        product_update(product=product, list_price="-1")

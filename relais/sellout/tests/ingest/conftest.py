from decimal import Decimal

import pytest

from relais.catalog.models import Product
from relais.sellout.tests.factories import catalogue
from relais.sellout.tests.ingest.helpers import ZERO_EAN


@pytest.fixture
def products(brand):
    """Five products ean13(1..5) and one whose EAN starts with '00', all listed at 20.00 EUR."""
    items = catalogue(brand, count=5, list_price=Decimal("20.00"))
    items.append(
        Product.objects.create(
            brand=brand, gtin="0" + ZERO_EAN, name="Clé zéro", list_price=Decimal("20.00"), currency="EUR"
        )
    )
    return items

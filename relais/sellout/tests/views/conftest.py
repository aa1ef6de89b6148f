import pytest

from relais.catalog.tests.factories import ProductFactory


@pytest.fixture
def drill(brand):
    return ProductFactory(brand=brand, name="Perceuse sans fil 18V", list_price="120.00")


@pytest.fixture
def saw(brand):
    return ProductFactory(brand=brand, name="Scie sauteuse", list_price="80.00")

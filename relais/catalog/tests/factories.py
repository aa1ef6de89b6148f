import factory
from stdnum import ean

from relais.catalog.models import Product
from relais.core.tests.factories import BrandFactory


def gtin14(n: int) -> str:
    """A valid GTIN-14 derived from a sequence number (prefix 0 + GTIN-13 on a test company prefix)."""
    body = f"0376000{n:06d}"[:13]
    return body + ean.calc_check_digit(body)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    brand = factory.SubFactory(BrandFactory)
    gtin = factory.Sequence(gtin14)
    name = factory.Sequence(lambda n: f"Product {n}")
    family = "Accessories"
    list_price = factory.Faker(
        "pydecimal", left_digits=3, right_digits=2, positive=True, min_value=5, max_value=900
    )
    currency = "EUR"

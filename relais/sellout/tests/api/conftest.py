import pytest
from django.test import Client

from relais.api.services import api_key_create
from relais.catalog.tests.factories import ProductFactory


@pytest.fixture
def product(brand):
    return ProductFactory(brand=brand, list_price="20.00", name="Perceuse 18V")


@pytest.fixture
def api_key_text(partner, partner_admin):
    _key, text = api_key_create(partner=partner, name="ERP", created_by=partner_admin)
    return text


@pytest.fixture
def api(api_key_text):
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_key_text}")


def declaration_body(product, **overrides):
    body = {
        "period_start": "2026-10-01",
        "period_end": "2026-10-31",
        "lines": [
            {"gtin": product.gtin, "quantity": 3, "unit_price": "20.00", "sale_date": "2026-10-05"},
            {
                "gtin": product.gtin,
                "quantity": 1,
                "amount": "19.50",
                "sale_date": "2026-10-06",
                "channel": "online",
            },
            {"gtin": "12345", "quantity": 1, "amount": "10", "sale_date": "2026-10-07"},
        ],
    }
    body.update(overrides)
    return body

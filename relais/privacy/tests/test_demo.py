"""The privacy demo: the brand's integrations, visible on their pages."""

from __future__ import annotations

import random

import pytest

from conftest import login_client
from relais.api.models import BrandApiKey
from relais.privacy import demo
from relais.privacy.services import feedback_retention_months
from relais.webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


def test_the_demo_writes_keys_a_paused_endpoint_and_deliveries_shown_on_the_pages(brand, brand_admin):
    counts = demo.load(brand=brand, rng=random.Random(1))

    assert counts["brand API keys"] == BrandApiKey.objects.filter(brand=brand).count() == 2
    assert not WebhookEndpoint.objects.get(brand=brand).is_active  # no receiver: nothing is sent
    assert WebhookDelivery.objects.filter(brand=brand).count() == counts["webhook deliveries"]
    assert feedback_retention_months(brand=brand) == 18
    client = login_client(brand_admin)
    assert "HTTP 503" in client.get("/brand/webhooks/").content.decode()
    assert "PIM catalogue" in client.get("/brand/api-keys/").content.decode()

"""The API's contract at HTTP level: redeem bodies are validated, the Idempotency-Key header is documented."""

import pytest
from django.test import Client

from relais.api.services import api_key_create
from relais.incentives.models import RedemptionOrder
from relais.incentives.tests.factories import RewardFactory, credit


@pytest.fixture
def api(partner) -> Client:
    _key, text = api_key_create(partner=partner, name="ERP")
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["[null, null]", "[]", "[1]", "null", '"x"', "3", '{"quantity": null}'])
def test_redeem_refuses_a_body_that_is_not_an_object_with_a_quantity(api, partner, body):
    credit(partner, 500)
    reward = RewardFactory(brand=partner.brand, points_price=100, stock=3)

    response = api.post(
        f"/api/v1/rewards/{reward.pk}/redeem",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )

    assert response.status_code == 422, response.content
    assert "detail" in response.json()
    assert not RedemptionOrder.objects.exists()


@pytest.mark.django_db
def test_redeem_with_an_empty_object_orders_one(api, partner):
    credit(partner, 500)
    reward = RewardFactory(brand=partner.brand, points_price=100, stock=3)

    response = api.post(
        f"/api/v1/rewards/{reward.pk}/redeem",
        "{}",
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )

    assert response.status_code == 201, response.content
    assert response.json()["quantity"] == 1


@pytest.mark.django_db
def test_openapi_declares_the_required_idempotency_key_on_redeem():
    schema = Client().get("/api/v1/openapi.json").json()

    parameters = schema["paths"]["/api/v1/rewards/{reward_id}/redeem"]["post"]["parameters"]
    header = [p for p in parameters if p["in"] == "header" and p["name"] == "Idempotency-Key"]
    assert len(header) == 1
    assert header[0]["required"] is True
    assert header[0]["schema"]["maxLength"] == 255

"""The sell-out POST endpoints declare their optional ``Idempotency-Key`` header in the OpenAPI document."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _header(operation: dict) -> dict | None:
    return next(
        (
            p
            for p in operation.get("parameters", [])
            if p["in"] == "header" and p["name"] == "Idempotency-Key"
        ),
        None,
    )


@pytest.mark.parametrize("path", ["/api/v1/declarations", "/api/v1/edifact"])
def test_each_sellout_post_declares_an_optional_idempotency_key(path):
    document = Client().get("/api/v1/openapi.json").json()

    header = _header(document["paths"][path]["post"])

    assert header is not None
    assert header["required"] is False
    assert header["schema"] == {"type": "string", "minLength": 1, "maxLength": 255}


def test_the_edifact_post_keeps_its_raw_body_next_to_the_header():
    document = Client().get("/api/v1/openapi.json").json()

    body = document["paths"]["/api/v1/edifact"]["post"]["requestBody"]

    assert body["required"] is True
    assert "application/edifact" in body["content"]


def test_the_redeem_endpoint_still_requires_it():
    document = Client().get("/api/v1/openapi.json").json()

    redeem = next(op["post"] for path, op in document["paths"].items() if path.endswith("/redeem"))

    header = _header(redeem)
    assert header is not None
    assert header["required"] is True

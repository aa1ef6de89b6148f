"""The whole JSON API against its own OpenAPI document: every operation of every router, with generated
requests under a real partner's API key. No 5xx, and every response as documented (status, content type,
body schema). Each router also has its own, deeper run; this one catches an operation nobody tested."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from relais.api.services import api_key_create
from relais.catalog.tests.factories import ProductFactory
from relais.incentives import services as incentives_services
from relais.incentives.tests.factories import RewardFactory, credit, declaration_with_lines, running_challenge

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


# The EDIFACT endpoints take the raw message: generated strings go on the wire as UTF-8 text.
@schemathesis.serializer("application/edifact")
def edifact_serializer(ctx, value):
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


@pytest.fixture
def api_headers(partner, partner_admin, other_partner):
    ProductFactory(brand=partner.brand, list_price="20.00")
    credit(partner, 5000)
    challenge = running_challenge(partner.brand, per_unit=2)
    incentives_services.challenge_score_declaration(
        declaration=declaration_with_lines(partner, lines=[{"quantity": 3}])
    )
    RewardFactory(brand=partner.brand, points_price=100, stock=3)
    assert challenge.pk
    _key, text = api_key_create(partner=partner, name="ERP", created_by=partner_admin)
    # Requests go to the raw WSGI app, whose end-of-request hook would close the test's DB connection
    # (and with it the test transaction); Django's test Client detaches it the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield {"Authorization": f"Bearer {text}"}
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_the_document_lists_the_operations_of_every_router():
    document = schema.raw_schema["paths"]
    operations = {(method.upper(), path) for path, item in document.items() for method in item}

    assert ("POST", "/api/v1/rewards/{reward_id}/redeem") in operations
    assert ("GET", "/api/v1/points/balance") in operations
    assert any(path.startswith("/api/v1/declarations") for _method, path in operations)


@schema.parametrize()
@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_every_operation_conforms_to_the_openapi_document(case, api_headers):
    response = case.call(headers=api_headers)
    case.validate_response(
        response,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )

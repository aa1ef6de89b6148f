"""Property-based check of the points and rewards API against its own OpenAPI: no 5xx, responses as documented."""

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
from relais.incentives import services
from relais.incentives.tests.factories import RewardFactory, credit, declaration_with_lines, running_challenge

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application()).include(
    tag="points and rewards"
)


@pytest.fixture
def api_headers(partner, other_partner):
    credit(partner, 5000)
    challenge = running_challenge(partner.brand, per_unit=2)
    services.challenge_score_declaration(declaration=declaration_with_lines(partner, lines=[{"quantity": 3}]))
    services.challenge_score_declaration(
        declaration=declaration_with_lines(other_partner, lines=[{"quantity": 5}])
    )
    RewardFactory(brand=partner.brand, points_price=100, stock=3)
    _key, text = api_key_create(partner=partner, name="ERP")
    assert challenge.pk
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield {"Authorization": f"Bearer {text}"}
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_points_api_conforms_to_its_openapi(case, api_headers):
    headers = dict(api_headers)
    if case.method == "POST":
        headers.setdefault("Idempotency-Key", "schemathesis-key")
    response = case.call(headers=headers)
    case.validate_response(
        response,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )

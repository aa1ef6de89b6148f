"""Property-based check of the API against its own OpenAPI: no 5xx, and every response as documented."""

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


# The EDIFACT endpoint takes the raw message: generated strings go on the wire as UTF-8 text.
@schemathesis.serializer("application/edifact")
def edifact_serializer(ctx, value):
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


# The sell-out operations (other domains' routers have their own tests).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application()).include(
    tag="sell-out"
)


@pytest.fixture
def api_headers(partner, product, api_key_text):
    # Requests go to the raw WSGI app, whose end-of-request hook would close the test's DB connection
    # (and with it the test transaction); Django's test Client detaches it the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield {"Authorization": f"Bearer {api_key_text}"}
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_api_conforms_to_its_openapi(case, api_headers):
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

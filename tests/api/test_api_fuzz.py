"""Fuzzing the API against its own OpenAPI document: no 500s, and every answer matches the spec."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tracker.api import tokens
from tracker.extensions import db

pytestmark = pytest.mark.slow


@pytest.fixture
def api_schema(app, world):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def admin_headers(world):
    token = tokens.create_token(world.admin, "fuzz")
    db.session.commit()
    # The spec describes the JSON; compression (brotli, which the client would ask for) is tested elsewhere.
    return {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_answers_every_input_within_its_spec(case, admin_headers):
    response = case.call_and_validate(
        headers=admin_headers,
        checks=[status_code_conformance, content_type_conformance, response_schema_conformance],
    )
    assert response.status_code < 500

"""Fuzz every operation of the app's own OpenAPI document with generated requests.

Zero 5xx and zero responses that break the documented schema. FUZZ_EXAMPLES sets how many
examples each operation gets (CI keeps it small; `FUZZ_EXAMPLES=500` for a long local run).
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from service import create_app
from service.extensions import db
from service.models.accounts import ROLES
from service.models.orgs import Org

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture
def fuzz_app(app, demo_orgs):
    from service.commands import create_admin
    from service.demo import DEMO_PASSWORD

    with app.app_context():
        root = db.session.query(Org).filter(Org.parent_id.is_(None)).one()
        create_admin("fuzz_all_roles", root, ROLES, DEMO_PASSWORD)
        db.session.commit()
    return app


@pytest.fixture
def fuzz_schema(fuzz_app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app)


@pytest.fixture
def tokens(fuzz_app, staff, member, client):
    member_headers = member("fuzzer")
    client.post("/api/v1/me/phone", json={"code": "phone-13800138000"}, headers=member_headers)
    return {"admin": staff("fuzz_all_roles"), "member": member_headers}


def _operations() -> list[tuple[str, str]]:
    """(METHOD, path) of every documented operation, read from a throwaway app."""
    app = create_app({"SERVICE_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    return [(method.upper(), path) for path, item in sorted(spec["paths"].items())
            for method in item if method in {"get", "post", "put", "patch", "delete"}]


@pytest.mark.parametrize(("method", "path"), _operations(),
                         ids=[f"{m} {p}" for m, p in _operations()])
def test_operation_never_errors_and_matches_its_schema(method, path, fuzz_schema, tokens):
    if "/auth/" in path:
        headers = {}
    elif path.startswith("/api/v1/admin"):
        headers = tokens["admin"]
    else:
        headers = tokens["member"]
    operation = fuzz_schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def fuzz(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    fuzz()

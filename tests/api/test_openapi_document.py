"""The OpenAPI document: the same operations as before the API was regrouped, errors declared."""

from pathlib import Path

import pytest

METHODS = {"get", "post", "put", "patch", "delete"}
OPERATIONS = Path(__file__).with_name("openapi_operations.txt")


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def _operations(spec):
    return [(method, path, operation) for path, item in spec["paths"].items()
            for method, operation in item.items() if method in METHODS]


def test_the_operations_are_the_published_ones(spec):
    """Moving a view between modules must not move, add or drop a route."""
    found = sorted(f"{method.upper()} {path}" for method, path, _ in _operations(spec))
    assert found == sorted(OPERATIONS.read_text().splitlines())


def test_token_routes_declare_401_and_403(spec):
    secured = [(method, path, op) for method, path, op in _operations(spec) if op.get("security")]
    assert len(secured) > 40
    for method, path, operation in secured:
        assert {"401", "403"} <= set(operation["responses"]), f"{method} {path}"
    responses = spec["components"]["responses"]
    assert responses["UNAUTHORIZED"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"}


def test_routes_with_an_id_declare_404(spec):
    for method, path, operation in _operations(spec):
        if "{" in path:
            assert "404" in operation["responses"], f"{method} {path}"


def test_conflicts_are_declared_where_rules_refuse(spec):
    for method, path in [("post", "/api/v1/join/applications"),
                         ("post", "/api/v1/admin/refunds/applications/{application_id}/pay"),
                         ("post", "/api/v1/admin/refunds/policies"),
                         ("post", "/api/v1/admin/stations")]:
        assert "409" in spec["paths"][path][method]["responses"], f"{method} {path}"


def test_no_free_form_answer_where_the_shape_is_known(spec):
    schemas = spec["components"]["schemas"]
    assert schemas["Me"]["properties"]["membership"]["anyOf"][1] == {
        "$ref": "#/components/schemas/Membership"}
    overview = schemas["StatsOverview"]["properties"]
    assert overview["members"] == {"$ref": "#/components/schemas/MemberFigures"}
    assert set(schemas["ApplicationStatusCounts"]["properties"]) == {
        "pending", "approved", "rejected", "disputed"}

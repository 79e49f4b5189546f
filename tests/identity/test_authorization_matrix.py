"""Every admin route x every role x own subtree / other subtree, plus member and no token.

Staff of 金水区 (JS) act on objects in JS (own) and in 二七区 (EQ, other). A role outside a
route's roles gets 403 `role_required`; inside them, a read outside the subtree is 404 and a
write 403; inside the subtree the call is not refused (2xx, or a business 4xx like 409).
"""

import pytest

from service.models.accounts import ROLES
from tests.authz_routes import ANY_STAFF, ROUTES, MatrixContext

READ_METHODS = {"GET"}


def test_every_admin_route_is_in_the_matrix(app):
    rules = {(method, rule.rule) for rule in app.url_map.iter_rules()
             if rule.rule.startswith("/api/v1/admin/") and "/auth/" not in rule.rule
             for method in rule.methods - {"HEAD", "OPTIONS"}}
    covered = {(route.method, route.rule) for route in ROUTES}
    assert rules - covered == set(), "admin routes missing from tests/authz_routes.py"
    assert covered - rules == set(), "routes in the matrix that the app does not have"


@pytest.fixture
def matrix(app, client, staff):
    return MatrixContext(app, client, staff)


CELLS = [(route, role, where) for route in ROUTES for role in ROLES
         for where in (("own", "other") if route.scoped else ("own",))]


@pytest.mark.parametrize(("route", "role", "where"), CELLS,
                         ids=[f"{r.method} {r.rule} {role} {where}" for r, role, where in CELLS])
def test_cell(matrix, route, role, where):
    method, path, body = route.request(matrix, where)
    response = matrix.call(method, path, body, matrix.headers_for(role, route.at_root))
    allowed = route.roles is ANY_STAFF or any(matrix.has_role(role, r) for r in route.roles)
    detail = (f"{method} {path} as {role} ({where}): {response.status_code} "
              f"{response.get_data()[:300]!r}")
    if not allowed:
        assert response.status_code == 403, detail
        assert response.get_json()["error"] == "role_required", detail
    elif where == "other":
        assert response.status_code == (404 if method in READ_METHODS else 403), detail
    else:
        assert response.status_code not in (401, 403, 404, 405), detail
        assert response.status_code < 500, detail


@pytest.mark.parametrize("route", ROUTES, ids=[f"{r.method} {r.rule}" for r in ROUTES])
def test_member_token_and_no_token(matrix, route):
    method, path, body = route.request(matrix, "own")
    member = matrix.call(method, path, body, matrix.member_headers())
    assert member.status_code == 403 and member.get_json()["error"] == "admin_only"
    anonymous = matrix.call(method, path, body, {})
    assert anonymous.status_code == 401


@pytest.mark.parametrize("route", [r for r in ROUTES if r.at_root],
                         ids=[f"{r.method} {r.rule}" for r in ROUTES if r.at_root])
def test_root_only_routes_refuse_district_staff(matrix, route):
    method, path, body = route.request(matrix, "own")
    for role in route.roles:
        response = matrix.call(method, path, body, matrix.headers_for(role))
        assert response.status_code == 403, response.get_json()

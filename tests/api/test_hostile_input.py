"""Hostile text is stored and returned verbatim; oversized text is refused, never a 500."""

import pytest

from tests.helpers import assert_error, org_id

HOSTILE = [
    "'; DROP TABLE orgs; --",
    "\" OR 1=1 --",
    "<script>alert('x')</script>",
    "Robert'); DELETE FROM admins;--",
    "工会\u0000名称",
    "😀 骑手之家 𠀀",
    "%s%s%s{0}{}",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_text_is_stored_and_returned_verbatim(client, staff, name):
    headers = staff("jinshui_admin")
    created = client.post("/api/v1/admin/orgs", headers=headers, json={
        "name": name, "kind": "grassroots", "parent_id": org_id(client.application, "JS")})
    if "\u0000" in name:  # a NUL byte is not text a person typed: refused, not stored
        assert_error(created, 422)
        return
    assert created.status_code == 201, created.get_json()
    fetched = client.get(f"/api/v1/admin/orgs/{created.get_json()['id']}", headers=headers)
    assert fetched.get_json()["name"] == name


def test_overlong_text_is_422_naming_the_field(client, staff):
    body = assert_error(client.post("/api/v1/admin/orgs", headers=staff("jinshui_admin"), json={
        "name": "长" * 5000, "kind": "grassroots",
        "parent_id": org_id(client.application, "JS")}), 422, "validation_failed")
    assert body["message"].startswith("名称")


def test_wrong_types_are_422_not_500(client, staff):
    headers = staff("jinshui_admin")
    for body in ({"name": ["x"], "kind": "grassroots", "parent_id": 1},
                 {"name": "x", "kind": "grassroots", "parent_id": "1; DROP"},
                 {"name": "x", "kind": "grassroots", "parent_id": 10**30},
                 [1, 2, 3], "just a string"):
        assert_error(client.post("/api/v1/admin/orgs", headers=headers, json=body), 422)

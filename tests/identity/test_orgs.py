"""The org tree as staff see it: their subtree only, codes, audit entries."""

from tests.helpers import assert_error, org_id


def codes(response):
    return {item["code"] for item in response.get_json()["items"]}


def test_staff_list_only_their_subtree(client, staff):
    jinshui = codes(client.get("/api/v1/admin/orgs?page_size=100", headers=staff("jinshui_admin")))
    assert "JS" in jinshui and "JS-XW" in jinshui
    assert not jinshui & {"ZZ", "EQ", "EQ-HT", "ZZ-XYT"}
    city = client.get("/api/v1/admin/orgs?page_size=100", headers=staff("city_admin")).get_json()
    assert city["total"] >= 23 and "EQ-HT" in codes(client.get(
        "/api/v1/admin/orgs?page_size=100", headers=staff("city_admin")))


def test_create_generates_a_code_and_inherits_the_district(client, staff):
    created = client.post("/api/v1/admin/orgs", headers=staff("jinshui_admin"), json={
        "name": "金水区某物业公司工会", "kind": "grassroots",
        "parent_id": org_id(client.application, "JS")})
    assert created.status_code == 201
    body = created.get_json()
    assert body["code"].startswith("G-") and len(body["code"]) == 8
    assert body["district_code"] == "410105" and body["auto_approve"] is False


def test_taken_code_is_409(client, staff):
    assert_error(client.post("/api/v1/admin/orgs", headers=staff("jinshui_admin"), json={
        "name": "重复", "kind": "grassroots", "code": "EQ-HT",
        "parent_id": org_id(client.application, "JS")}), 409, "org_code_taken")


def test_invalid_kind_names_the_field(client, staff):
    body = assert_error(client.post("/api/v1/admin/orgs", headers=staff("jinshui_admin"), json={
        "name": "x", "kind": "club", "parent_id": org_id(client.application, "JS")}), 422)
    assert body["message"].startswith("类型应为以下之一")


def test_changes_are_audited_and_audit_is_scoped(client, staff):
    js = org_id(client.application, "JS")
    client.patch(f"/api/v1/admin/orgs/{js}", headers=staff("jinshui_admin"),
                 json={"auto_approve": True})
    eq = org_id(client.application, "EQ")
    client.patch(f"/api/v1/admin/orgs/{eq}", headers=staff("city_admin"),
                 json={"auto_approve": True})
    mine = client.get("/api/v1/admin/audit", headers=staff("jinshui_admin")).get_json()
    assert [(e["action"], e["object_id"], e["actor_name"]) for e in mine["items"]] == [
        ("org.update", str(js), "jinshui_admin")]
    everything = client.get("/api/v1/admin/audit", headers=staff("city_admin")).get_json()
    assert everything["total"] == 2

"""The org tree's rules (DOMAIN.md "The org tree") on create, on change, in the CLI and demo."""

import pytest
from sqlalchemy import select

from service.extensions import db
from service.identity.orgs import check_placement
from service.models.orgs import Org
from tests.helpers import assert_error, org_id

URL = "/api/v1/admin/orgs"


def create(client, staff, username, parent_code, **body):
    body.setdefault("name", "测试工会")
    return client.post(URL, headers=staff(username),
                       json={**body, "parent_id": org_id(client.application, parent_code)})


def org_count(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(Org.id)).all())


@pytest.mark.parametrize(("kind", "parent"), [
    ("grassroots", "ZZ"), ("holding_pool", "ZZ"), ("holding_pool", "ZZ-JT"),
    ("city_federation", "JS"), ("industry_union", "JS-XW"),
    ("new_employment_federation", "ZZ-XYT"), ("district_federation", "ZZ-XYT")])
def test_kind_that_may_not_sit_under_the_parent_is_422(client, staff, kind, parent):
    before = org_count(client.application)
    body = assert_error(create(client, staff, "city_admin", parent, kind=kind,
                               district_code="410105"), 422, "org_kind_not_allowed")
    assert "不能设立" in body["message"] and body["errors"]["json"]["kind"]
    assert org_count(client.application) == before


@pytest.mark.parametrize(("kind", "parent", "district"), [
    ("grassroots", "JS", "410105"), ("industry_union", "JS", "410105"),
    ("holding_pool", "JS", "410105"), ("grassroots", "ZZ-XYT", "410103"),
    ("grassroots", "JS-XW", "410105"), ("industry_union", "ZZ", "410100")])
def test_allowed_placements_are_created(client, staff, kind, parent, district):
    response = create(client, staff, "city_admin", parent, kind=kind, district_code=district)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["district_code"] == district


def test_a_district_cannot_open_a_district_federation_for_another_district(client, staff):
    """The capture attempt of issue 14 item 8: Jinshui's admin plants a 二七区总工会."""
    body = assert_error(create(client, staff, "jinshui_admin", "JS", kind="district_federation",
                               district_code="410103"), 422, "org_kind_not_allowed")
    assert body["message"] == "区县总工会下不能设立区县总工会"


def test_a_child_district_lies_inside_its_parents(client, staff):
    body = assert_error(create(client, staff, "jinshui_admin", "JS", kind="grassroots",
                               district_code="410103"), 422, "org_district_outside_parent")
    assert "410105" in body["message"] and body["errors"]["json"]["district_code"]
    assert_error(create(client, staff, "city_admin", "ZZ", kind="industry_union",
                        district_code="420105"), 422, "org_district_outside_parent")


def test_district_federation_needs_a_district_of_the_city_and_one_per_code(client, staff):
    assert_error(create(client, staff, "city_admin", "ZZ", kind="district_federation",
                        district_code="410100"), 422, "org_district_is_city")
    assert_error(create(client, staff, "city_admin", "ZZ", kind="district_federation"),
                 422, "org_district_is_city")
    assert_error(create(client, staff, "city_admin", "ZZ", kind="district_federation",
                        district_code="410202"), 422, "org_district_outside_parent")
    body = assert_error(create(client, staff, "city_admin", "ZZ", kind="district_federation",
                               district_code="410103"), 409, "org_district_taken")
    assert "410103" in body["message"]
    created = create(client, staff, "city_admin", "ZZ", kind="district_federation",
                     name="航空港区总工会", district_code="410173")
    assert created.status_code == 201, created.get_json()


def test_district_federation_is_created_by_the_roots_org_admin_only(app, client, staff):
    from service.identity.orgs import create_org
    from service.models.accounts import Admin
    from service.web.errors import ApiError

    with app.app_context():
        root = db.session.scalar(select(Org).where(Org.code == "ZZ"))
        jinshui = db.session.scalar(select(Admin).where(Admin.username == "jinshui_admin"))
        with pytest.raises(ApiError) as refused:
            create_org({"name": "x", "kind": "district_federation", "district_code": "410173"},
                       root, jinshui)
        assert refused.value.status == 403 and refused.value.error == "org_district_needs_root"
        db.session.rollback()


def test_patch_district_keeps_the_tree_valid(client, staff):
    js, xw = org_id(client.application, "JS"), org_id(client.application, "JS-XW")
    assert_error(client.patch(f"{URL}/{js}", headers=staff("city_admin"),
                              json={"district_code": "410103"}), 409, "org_district_taken")
    assert_error(client.patch(f"{URL}/{xw}", headers=staff("jinshui_admin"),
                              json={"district_code": "410103"}), 422,
                 "org_district_outside_parent")
    body = assert_error(client.patch(f"{URL}/{js}", headers=staff("city_admin"),
                                     json={"district_code": "410173"}), 422,
                        "org_district_excludes_children")
    assert "JS-XW" in body["message"]
    detail = client.get(f"{URL}/{js}", headers=staff("city_admin")).get_json()
    assert detail["district_code"] == "410105"
    renamed = client.patch(f"{URL}/{xw}", headers=staff("jinshui_admin"),
                           json={"name": "金水区小微企业联合工会（新）", "district_code": "410105"})
    assert renamed.status_code == 200


def test_cli_refuses_a_misplaced_org(app, runner, demo_orgs):
    result = runner.invoke(args=["org", "create", "--code", "ZZ-G1", "--name", "某公司工会",
                                 "--kind", "grassroots", "--parent", "ZZ"])
    assert result.exit_code != 0 and "市总工会下不能设立基层工会" in result.output
    with app.app_context():
        assert db.session.scalar(select(Org.id).where(Org.code == "ZZ-G1")) is None


def test_demo_tree_satisfies_the_rules(app, demo_orgs):
    with app.app_context():
        orgs = db.session.scalars(select(Org)).all()
        assert len(orgs) >= 23
        for org in orgs:
            check_placement(org.kind, org.parent, org.district_code, org=org)

"""Refunds go to the district federation that is the root's direct child for the district."""

from sqlalchemy import select

from service.extensions import db
from service.identity.orgs import create_org
from service.models.orgs import Org
from service.models.refunds import Enterprise
from tests.refunds.helpers import enterprise_body


def _tree_with_a_planted_federation():
    """An older tree (before the rules) where Jinshui holds a '二七区总工会' of its own."""
    root = create_org({"code": "ZZ", "name": "郑州市总工会", "kind": "city_federation",
                       "district_code": "410100"}, None)
    jinshui = create_org({"code": "JS", "name": "金水区总工会", "kind": "district_federation",
                          "district_code": "410105"}, root)
    planted = Org(code="JS-EQ", name="二七区总工会", kind="district_federation",
                  district_code="410103")
    db.session.add(planted)
    db.session.flush()
    planted.place_under(jinshui)
    erqi = create_org({"code": "EQ", "name": "二七区总工会", "kind": "district_federation",
                       "district_code": "410103"}, root)
    db.session.commit()
    assert planted.id < erqi.id
    return planted.id, erqi.id


def test_refund_registration_is_routed_past_a_planted_federation(app, client, member):
    with app.app_context():
        planted, erqi = _tree_with_a_planted_federation()
    response = client.post("/api/v1/refunds/enterprises", headers=member("alice"),
                           json=enterprise_body(district_code="410103"))
    assert response.status_code == 201, response.get_json()
    with app.app_context():
        enterprise = db.session.get(Enterprise, response.get_json()["id"])
        assert enterprise.org_id == erqi != planted


def test_a_district_with_only_a_nested_federation_is_not_open(app, client, member):
    with app.app_context():
        _tree_with_a_planted_federation()
        db.session.execute(db.delete(Org).where(Org.code == "EQ"))
        db.session.commit()
    response = client.post("/api/v1/refunds/enterprises", headers=member("alice"),
                           json=enterprise_body(district_code="410103"))
    assert response.status_code == 422 and response.get_json()["error"] == "district_unknown"
    with app.app_context():
        assert db.session.scalars(select(Enterprise)).all() == []

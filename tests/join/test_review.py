"""Staff review: scope, filters, approve and reject once, reasons, notifications queued."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from service.extensions import db
from service.models.audit import AuditEntry
from service.models.outbox import OutboxMessage
from tests.helpers import assert_error, org_id
from tests.join.helpers import applied, form, id_number

QUEUE = "/api/v1/admin/join/applications"


def test_reviewer_of_another_district_cannot_see_or_approve(app, client, member, staff):
    erqi = applied(client, member("e"), form({"org_id": org_id(app, "EQ-HT")}))
    jinshui = applied(client, member("j"), form({"org_id": org_id(app, "JS-XW")}, seq=2))
    listed = client.get(QUEUE, headers=staff("jinshui_reviewer")).get_json()
    assert [item["id"] for item in listed["items"]] == [jinshui["id"]]
    assert_error(client.get(f"{QUEUE}/{erqi['id']}", headers=staff("jinshui_reviewer")), 404)
    assert_error(client.post(f"{QUEUE}/{erqi['id']}/approve", headers=staff("jinshui_reviewer")),
                 403, "out_of_scope")
    assert_error(client.post(f"{QUEUE}/{erqi['id']}/reject", json={"reason": "x"},
                             headers=staff("jinshui_reviewer")), 403, "out_of_scope")
    assert_error(client.get(QUEUE, query_string={"org_id": org_id(app, "EQ")},
                            headers=staff("jinshui_reviewer")), 404)
    assert_error(client.get(QUEUE, headers=staff("jinshui_refunds")), 403, "role_required")
    # An ancestor's reviewer (the city) sees and decides both.
    city = client.get(QUEUE, headers=staff("city_admin")).get_json()
    assert {item["id"] for item in city["items"]} == {erqi["id"], jinshui["id"]}
    assert client.post(f"{QUEUE}/{erqi['id']}/approve",
                       headers=staff("city_admin")).status_code == 200


def test_staff_see_masked_numbers(app, client, member, staff):
    created = applied(client, member("m"), form({"org_id": org_id(app, "JS-XW")}))
    item = client.get(f"{QUEUE}/{created['id']}", headers=staff("jinshui_reviewer")).get_json()
    assert item["id_number"] == id_number(1)[:3] + "*" * 14 + id_number(1)[-1:]
    assert item["phone"] == "139****0001"
    assert item["gender"] == "male" and item["birth_year"] == 1990 and "birth_date" not in item
    assert item["status"] == "pending" and item["org"]["name"] == "金水区小微企业联合工会"


def test_approve_or_reject_happens_once(app, client, member, staff):
    first = applied(client, member("a"), form({"org_id": org_id(app, "JS-XW")}))
    headers = staff("jinshui_reviewer")
    assert client.post(f"{QUEUE}/{first['id']}/approve", headers=headers).status_code == 200
    assert_error(client.post(f"{QUEUE}/{first['id']}/approve", headers=headers), 409,
                 "application_not_pending")
    assert_error(client.post(f"{QUEUE}/{first['id']}/reject", json={"reason": "重复"},
                             headers=headers), 409, "application_not_pending")
    assert_error(client.post(f"{QUEUE}/999999/approve", headers=headers), 404)


def test_reject_needs_a_reason(app, client, member, staff):
    created = applied(client, member("r"), form({"org_id": org_id(app, "JS-XW")}))
    body = assert_error(client.post(f"{QUEUE}/{created['id']}/reject", json={},
                                    headers=staff("jinshui_reviewer")), 422)
    assert body["message"] == "原因为必填项"
    assert_error(client.post(f"{QUEUE}/{created['id']}/reject", json={"reason": ""},
                             headers=staff("jinshui_reviewer")), 422)


def test_decisions_queue_a_message_and_an_audit_entry(app, client, member, staff):
    target = {"org_id": org_id(app, "JS-XW")}
    yes = applied(client, member("yes"), form(target, seq=1))
    no = applied(client, member("no"), form(target, seq=2))
    headers = staff("jinshui_reviewer")
    member_no = client.post(f"{QUEUE}/{yes['id']}/approve", headers=headers).get_json()["member_no"]
    client.post(f"{QUEUE}/{no['id']}/reject", json={"reason": "非本单位职工，请到所在单位工会申请"},
                headers=headers)
    with app.app_context():
        messages = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [m.data["phrase2"] for m in messages] == ["通过", "未通过"]
        assert messages[1].data["thing3"] == "非本单位职工，请到所在单位工会申请"
        assert messages[0].data["thing1"] == "金水区小微企业联合工会"
        assert all(m.template_id == app.config["WECHAT_TPL_JOIN_RESULT"] for m in messages)
        actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions == ["join.approve", "join.reject"]
        detail = db.session.scalar(sa.select(AuditEntry.detail).where(
            AuditEntry.action == "join.approve"))
        assert detail == {"member_no": member_no}


def test_queue_filters(app, client, member, staff):
    jsxw = org_id(app, "JS-XW")
    rider = applied(client, member("f1"), form({"org_id": jsxw}, seq=1, name="李雷"))
    courier = applied(client, member("f2"), form({"org_id": jsxw}, seq=2, name="韩梅梅",
                                                 occupation="courier", phone="13700000002"))
    headers = staff("jinshui_reviewer")
    client.post(f"{QUEUE}/{rider['id']}/approve", headers=headers)

    def ids(**query):
        response = client.get(QUEUE, query_string=query, headers=headers)
        assert response.status_code == 200, response.get_json()
        return [item["id"] for item in response.get_json()["items"]]

    assert ids(status="pending") == [courier["id"]]
    assert ids(status="approved") == [rider["id"]]
    assert ids(occupation="courier") == [courier["id"]]
    assert ids(q="韩") == [courier["id"]]
    assert ids(q="137 0000 0002") == [courier["id"]]
    assert ids(q=id_number(1)) == [rider["id"]]
    assert ids(q=id_number(3)) == []
    # Oldest due date first; the same due date in the order they came.
    assert ids(org_id=jsxw) == [rider["id"], courier["id"]]
    now = datetime.now(UTC)
    assert ids(since=(now - timedelta(hours=1)).isoformat()) == [rider["id"], courier["id"]]
    assert ids(until=(now - timedelta(hours=1)).isoformat()) == []
    assert_error(client.get(QUEUE, query_string={"status": "lost"}, headers=headers), 422)
    assert_error(client.get(QUEUE, query_string={"page_size": 500}, headers=headers), 422)


def test_applicants_never_see_who_reviewed_them(app, client, member, staff):
    created = applied(client, member("seen"), form({"org_id": org_id(app, "JS-XW")}))
    assert client.post(f"{QUEUE}/{created['id']}/reject", json={"reason": "照片不清晰"},
                       headers=staff("jinshui_reviewer")).status_code == 200
    mine = client.get("/api/v1/join/applications", headers=member("seen"))
    [item] = mine.get_json()["items"]
    assert item["status"] == "rejected" and item["reject_reason"] == "照片不清晰"
    assert "reviewed_by" not in item and "jinshui_reviewer" not in mine.get_data(as_text=True)

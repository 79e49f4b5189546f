"""Claiming a squatted credit code: the company files its licence, district staff decide."""

import io

from sqlalchemy import select

from service.extensions import db
from service.models.audit import AuditEntry
from service.models.refunds import Enterprise, EnterpriseClaim
from tests.helpers import assert_error
from tests.refunds.helpers import PDF, PNG, enterprise_body

CLAIMS = "/api/v1/refunds/enterprise-claims"
ADMIN = "/api/v1/admin/refunds/enterprise-claims"


def claim(client, headers, uscc, data=PDF, filename="营业执照.pdf", note="我司营业执照"):
    form = {"uscc": uscc, "file": (io.BytesIO(data), filename)}
    if note is not None:
        form["note"] = note
    return client.post(CLAIMS, headers=headers, data=form, content_type="multipart/form-data")


def squatted(refunds, client, member, **overrides):
    """Mallory registers the company's code; the company (alice) is refused, then claims."""
    enterprise = refunds.enterprise("mallory", **overrides)
    refused = assert_error(client.post("/api/v1/refunds/enterprises", headers=member("alice"),
                                       json=enterprise_body(uscc=enterprise["uscc"])),
                           409, "enterprise_exists")
    assert "认领" in refused["message"]
    filed = claim(client, member("alice"), enterprise["uscc"])
    assert filed.status_code == 201, filed.get_json()
    return enterprise, filed.get_json()


def audit_actions(app):
    with app.app_context():
        return [(e.action, e.actor_name, e.detail) for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("refund.enterprise_claim%"))
            .order_by(AuditEntry.id))]


def test_district_staff_move_the_enterprise_to_the_claimant(app, client, member, staff,
                                                            refunds):
    enterprise, filed = squatted(refunds, client, member)
    assert filed["status"] == "pending" and filed["uscc"] == enterprise["uscc"]
    draft = refunds.create("mallory", enterprise["id"]).get_json()
    reviewer = staff("jinshui_refunds")

    queue = client.get(f"{ADMIN}?status=pending", headers=reviewer).get_json()
    assert [item["id"] for item in queue["items"]] == [filed["id"]]
    shown = queue["items"][0]
    assert shown["enterprise"]["name"] == enterprise["name"]
    assert shown["enterprise"]["contact_phone"] == "138****8000"
    assert shown["enterprise"]["contact_name"] != "李四"
    assert shown["note"] == "我司营业执照" and shown["licence_content_type"] == "application/pdf"
    licence = client.get(f"{ADMIN}/{filed['id']}/licence", headers=reviewer)
    assert licence.status_code == 200 and licence.data == PDF

    approved = client.post(f"{ADMIN}/{filed['id']}/approve", headers=reviewer,
                           json={"note": "营业执照与登记一致"})
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    mine = client.get("/api/v1/refunds/enterprises", headers=member("alice")).get_json()
    assert [item["id"] for item in mine["items"]] == [enterprise["id"]]
    assert client.get("/api/v1/refunds/enterprises",
                      headers=member("mallory")).get_json()["items"] == []
    moved = client.get(f"/api/v1/refunds/applications/{draft['id']}", headers=member("alice"))
    assert moved.status_code == 200
    assert client.get(f"/api/v1/refunds/applications/{draft['id']}",
                      headers=member("mallory")).status_code == 404
    actions = audit_actions(app)
    assert [(a, n) for a, n, _ in actions] == [
        ("refund.enterprise_claim.file", None), ("refund.enterprise_claim.licence",
                                                 "jinshui_refunds"),
        ("refund.enterprise_claim.approve", "jinshui_refunds")]
    assert actions[-1][2]["applications_moved"] == 1
    assert_error(client.post(f"{ADMIN}/{filed['id']}/reject", headers=reviewer,
                             json={"note": "x"}), 409, "claim_decided")
    own = client.get(CLAIMS, headers=member("alice")).get_json()["items"]
    assert own[0]["status"] == "approved" and own[0]["decision_note"] == "营业执照与登记一致"


def test_reject_needs_a_reason_and_leaves_the_enterprise(app, client, member, staff, refunds):
    enterprise, filed = squatted(refunds, client, member)
    admin = staff("jinshui_admin")
    body = assert_error(client.post(f"{ADMIN}/{filed['id']}/reject", headers=admin, json={}),
                        422, "reason_required")
    assert body["errors"]["json"] == {"note": ["驳回时请填写原因"]}
    assert_error(client.post(f"{ADMIN}/{filed['id']}/reject", headers=admin,
                             json={"note": "   "}), 422, "reason_required")
    rejected = client.post(f"{ADMIN}/{filed['id']}/reject", headers=admin,
                           json={"note": "营业执照上的名称与信用代码不符"})
    assert rejected.status_code == 200 and rejected.get_json()["status"] == "rejected"
    with app.app_context():
        assert db.session.get(Enterprise, enterprise["id"]).user_id != db.session.get(
            EnterpriseClaim, filed["id"]).user_id
    assert audit_actions(app)[-1][0] == "refund.enterprise_claim.reject"
    again = claim(client, member("alice"), enterprise["uscc"])  # may try again with a better file
    assert again.status_code == 201


def test_other_districts_and_other_roles_cannot_decide(app, client, member, staff, refunds):
    _, filed = squatted(refunds, client, member)
    erqi = staff("erqi_refunds")
    assert client.get(ADMIN, headers=erqi).get_json()["items"] == []
    assert_error(client.get(f"{ADMIN}/{filed['id']}/licence", headers=erqi), 404)
    assert_error(client.post(f"{ADMIN}/{filed['id']}/approve", headers=erqi, json={}), 403,
                 "out_of_scope")
    assert_error(client.post(f"{ADMIN}/{filed['id']}/approve",
                             headers=staff("jinshui_stations"), json={}), 403, "role_required")
    with app.app_context():
        assert db.session.get(EnterpriseClaim, filed["id"]).status == "pending"


def test_no_move_while_an_application_is_with_staff(app, client, member, staff, refunds):
    refunds.submitted("mallory")
    uscc = client.get("/api/v1/refunds/enterprises",
                      headers=member("mallory")).get_json()["items"][0]["uscc"]
    filed = claim(client, member("alice"), uscc).get_json()
    assert_error(client.post(f"{ADMIN}/{filed['id']}/approve", headers=staff("jinshui_refunds"),
                             json={}), 409, "enterprise_in_review")
    with app.app_context():
        assert db.session.get(EnterpriseClaim, filed["id"]).status == "pending"


def test_claims_that_make_no_sense_are_refused_and_store_nothing(app, client, member, refunds):
    enterprise = refunds.enterprise("mallory")
    alice = member("alice")
    fresh = enterprise_body()["uscc"]
    body = assert_error(claim(client, alice, fresh), 422, "enterprise_not_registered")
    assert body["errors"]["multipart"]["uscc"]
    body = assert_error(claim(client, alice, "123"), 422)
    assert "uscc" in str(body.get("errors"))
    assert_error(claim(client, member("mallory"), enterprise["uscc"]), 409,
                 "enterprise_already_yours")
    assert_error(claim(client, alice, enterprise["uscc"], data=b"GIF89a" + PNG), 415)
    assert claim(client, alice, enterprise["uscc"], data=PNG, filename="x.png",
                 note=None).status_code == 201
    assert_error(claim(client, alice, enterprise["uscc"]), 409, "claim_pending")
    body = assert_error(client.post(CLAIMS, headers=alice, data={"uscc": enterprise["uscc"]},
                                    content_type="multipart/form-data"), 422)
    assert body["errors"]["multipart"] == {"file": ["为必填项"]}
    with app.app_context():
        assert len(db.session.scalars(select(EnterpriseClaim)).all()) == 1

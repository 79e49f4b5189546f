"""Applications: eligibility with readable reasons, amounts, one a year, submitting."""

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from service.extensions import db
from service.models.refund_applications import RefundApplication
from tests.helpers import assert_error

URL = "/api/v1/refunds/applications"


# paid x (1.00 - 0.65), rounded half up to whole fen
@pytest.mark.parametrize(("paid_fen", "refundable_fen"),
                         [(12345, 4321), (10, 4), (30, 11), (1, 0), (999_999, 350_000)])
def test_refundable_amount_is_rounded_half_up(refunds, paid_fen, refundable_fen):
    application = refunds.application("alice", year=2023, paid_fen=paid_fen)
    assert application["refundable_fen"] == refundable_fen
    assert application["status"] == "draft" and application["eligible"] is True
    assert application["ineligible_reasons"] == []


def test_fee_above_the_small_fee_threshold_is_ineligible_with_a_reason(refunds):
    application = refunds.application("alice", year=2023, paid_fen=1_000_001)
    assert application["eligible"] is False
    assert application["ineligible_reasons"] == [
        "缴费金额10000.01元超过小额缴费标准10000.00元"]
    assert application["refundable_fen"] == 350_000


def test_size_class_union_date_and_window_each_give_a_reason(app, refunds):
    app.config["FIXED_TODAY"] = "2023-03-01"  # inside the 2020-2022 window
    medium = refunds.application("alice", year=2022, employees=150, revenue_wan="2000")
    assert medium["ineligible_reasons"] == ["企业规模为中型，本政策仅适用于微型、小型企业"]
    late_union = refunds.application("alice", year=2022, union_established_on="2023-01-01")
    assert late_union["ineligible_reasons"] == [
        "工会成立日期2023-01-01晚于政策期末2022-12-31，不符合“已建立工会”的条件"]
    app.config["FIXED_TODAY"] = "2026-01-10"
    closed = refunds.application("alice", year=2024)
    assert closed["ineligible_reasons"] == ["申报期已于2025-12-31结束"]


def test_a_year_without_a_policy_is_422(client, refunds):
    enterprise = refunds.enterprise("alice")
    error = assert_error(refunds.create("alice", enterprise["id"], year=2019), 422,
                         "policy_not_found")
    assert "year" in error["errors"]["json"]


def test_one_application_per_enterprise_per_year(app, refunds):
    first = refunds.application("alice", year=2023)
    enterprise_id = first["enterprise"]["id"]
    assert_error(refunds.create("alice", enterprise_id, year=2023), 409, "application_exists")
    assert refunds.create("alice", enterprise_id, year=2024).status_code == 201
    with app.app_context():  # the database itself refuses a second row
        row = db.session.get(RefundApplication, first["id"])
        copy = {c.name: getattr(row, c.name) for c in RefundApplication.__table__.columns
                if c.name != "id"}
        with pytest.raises(IntegrityError):
            db.session.execute(sa.insert(RefundApplication), [copy])
        db.session.rollback()


def test_submit_without_a_receipt_is_409_naming_what_is_missing(refunds):
    application = refunds.application("alice")
    refunds.fill("alice", application["id"], ["business_license", "union_certificate"])
    error = assert_error(refunds.submit("alice", application["id"]), 409,
                         "attachments_missing")
    assert error["message"] == "请先上传：缴费凭证/完税证明"


def test_submit_of_an_ineligible_application_is_409_with_the_reasons(refunds):
    application = refunds.application("alice", paid_fen=2_000_000)
    refunds.fill("alice", application["id"])
    error = assert_error(refunds.submit("alice", application["id"]), 409, "not_eligible")
    assert "小额缴费标准" in error["message"]


def test_submitting_records_history_and_locks_the_application(client, refunds):
    application = refunds.submitted("alice")
    assert application["status"] == "submitted" and application["submitted_at"]
    assert [(h["from_status"], h["to_status"]) for h in application["history"]] == [
        (None, "draft"), ("draft", "submitted")]
    assert {h["actor_kind"] for h in application["history"]} == {"member"}
    headers = refunds.member("alice")
    assert_error(client.patch(f"{URL}/{application['id']}", json={"paid_fen": 1},
                              headers=headers), 409, "application_locked")
    assert_error(refunds.attach("alice", application["id"]), 409, "application_locked")
    assert_error(refunds.submit("alice", application["id"]), 409, "application_locked")


def test_a_draft_can_be_corrected(client, refunds):
    application = refunds.application("alice", paid_fen=2_000_000)
    response = client.patch(f"{URL}/{application['id']}", json={"paid_fen": 12345},
                            headers=refunds.member("alice"))
    assert response.status_code == 200
    assert response.get_json()["eligible"] is True
    assert response.get_json()["refundable_fen"] == 4321


def test_an_applicant_cannot_reach_another_enterprises_application(client, refunds):
    application = refunds.application("alice")
    attachment = refunds.attach("alice", application["id"]).get_json()
    bob = refunds.member("bob")
    base = f"{URL}/{application['id']}"
    assert_error(client.get(base, headers=bob), 404, "application_not_found")
    assert_error(client.get(f"{base}/attachments/{attachment['id']}", headers=bob), 404)
    assert_error(client.patch(base, json={"paid_fen": 1}, headers=bob), 404)
    assert_error(client.post(f"{base}/submit", headers=bob), 404)
    assert_error(refunds.attach("bob", application["id"]), 404)
    assert_error(refunds.create("bob", application["enterprise"]["id"], 2024), 404,
                 "enterprise_not_found")
    assert client.get(URL, headers=bob).get_json()["total"] == 0
    assert client.get(URL, headers=refunds.member("alice")).get_json()["total"] == 1


def test_staff_tokens_do_not_open_applicant_routes(client, refunds):
    assert_error(client.get(URL, headers=refunds.staff("jinshui_refunds")), 403, "member_only")

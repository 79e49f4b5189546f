"""The ledger: scoped lists with filters, an xlsx export with totals, an overview."""

import io
from decimal import Decimal

import sqlalchemy as sa
from openpyxl import load_workbook

from service.extensions import db
from service.models.audit import AuditEntry
from tests.helpers import assert_error

ADMIN = "/api/v1/admin/refunds"


def _ledger(refunds):
    """Jinshui: one paid, one approved, one submitted; Erqi: one submitted."""
    paid = refunds.approved("alice", paid_fen=12345)
    refunds.pay("city_finance", paid["id"], voucher_no="V-1", paid_at="2024-03-01",
                paid_fen=4321)
    approved = refunds.approved("alice", paid_fen=1000, employees=5, revenue_wan="40")
    submitted = refunds.submitted("bob", paid_fen=30)
    erqi = refunds.submitted("carol", paid_fen=10, district_code="410103")
    refunds.application("alice", paid_fen=99)  # a draft: not in the ledger
    return paid, approved, submitted, erqi


def test_lists_filter_by_status_year_district_and_size_class(client, refunds):
    paid, approved, submitted, erqi = _ledger(refunds)
    city = refunds.staff("city_finance")

    def ids(**query):
        body = client.get(f"{ADMIN}/applications", query_string=query, headers=city).get_json()
        return sorted(item["id"] for item in body["items"])

    assert ids() == sorted(a["id"] for a in (paid, approved, submitted, erqi))
    assert ids(status="paid") == [paid["id"]]
    assert ids(district_code="410103") == [erqi["id"]]
    assert ids(size_class="micro") == [approved["id"]]
    assert ids(year=2024) == []
    jinshui = client.get(f"{ADMIN}/applications", headers=refunds.staff("jinshui_refunds"))
    assert jinshui.get_json()["total"] == 3


def test_export_streams_xlsx_with_a_totals_row_and_is_audited(app, client, refunds):
    paid, approved, submitted, _ = _ledger(refunds)
    response = client.get(f"{ADMIN}/export", headers=refunds.staff("jinshui_refunds"))
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    header, *body, totals = rows
    assert header[0] == "申请编号" and "应返还金额（元）" in header
    assert sorted(row[0] for row in body) == sorted(
        a["id"] for a in (paid, approved, submitted))  # Erqi's is out of scope
    paid_row = next(row for row in body if row[0] == paid["id"])
    assert paid_row[header.index("银行账号")] == "**** 8901"
    assert paid_row[header.index("状态")] == "已拨付"
    assert totals[0] == "合计" and totals[1] == "3笔"
    assert Decimal(str(totals[header.index("缴费金额（元）")])) == Decimal("133.75")
    assert Decimal(str(totals[header.index("应返还金额（元）")])) == Decimal("46.82")
    assert Decimal(str(totals[header.index("拨付金额（元）")])) == Decimal("43.21")
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(
            AuditEntry.action == "refund.export"))
    assert entry.actor_name == "jinshui_refunds" and entry.detail["rows"] == 3


def test_export_follows_the_filters(client, refunds):
    paid, *_ = _ledger(refunds)
    response = client.get(f"{ADMIN}/export", query_string={"status": "paid"},
                          headers=refunds.staff("city_finance"))
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:-1]] == [paid["id"]] and rows[-1][1] == "1笔"


def test_overview_counts_and_sums_by_status_and_district(client, refunds):
    _ledger(refunds)
    city = client.get(f"{ADMIN}/overview", headers=refunds.staff("city_finance")).get_json()
    assert city["totals"] == {"count": 4, "paid_fen": 13385, "refundable_fen": 4686,
                              "payout_fen": 4321}
    by_status = {row["status"]: row for row in city["by_status"]}
    assert {s: row["count"] for s, row in by_status.items()} == {
        "approved": 1, "paid": 1, "submitted": 2}
    assert by_status["paid"]["payout_fen"] == 4321
    assert by_status["submitted"]["status_label"] == "待审核"
    by_district = {row["district_code"]: row["count"] for row in city["by_district"]}
    assert by_district == {"410105": 3, "410103": 1}
    erqi = client.get(f"{ADMIN}/overview", headers=refunds.staff("erqi_refunds")).get_json()
    assert erqi["totals"]["count"] == 1


def test_ledger_needs_a_refund_role(client, refunds):
    assert_error(client.get(f"{ADMIN}/export", headers=refunds.staff("jinshui_admin")), 403,
                 "role_required")
    assert_error(client.get(f"{ADMIN}/overview", headers=refunds.member("alice")), 403)


def test_a_stored_character_excel_refuses_never_reaches_the_ledger(app, client, refunds):
    from service.models.refunds import Enterprise

    submitted = refunds.submitted("alice")
    with app.app_context():  # stored before the input guard refused such text
        db.session.execute(sa.update(Enterprise).values(name="ACME\uffff", union_name="工会\ufdd0"))
        db.session.commit()
    response = client.get(f"{ADMIN}/export", headers=refunds.staff("jinshui_refunds"))
    assert response.status_code == 200
    header, row, _ = load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)
    assert row[0] == submitted["id"]
    assert row[header.index("企业名称")] == "ACME" and row[header.index("工会名称")] == "工会"


def test_a_ledger_longer_than_a_sheet_goes_on_in_another_with_the_totals_last(
        app, client, refunds):
    app.config["XLSX_SHEET_ROWS"] = 2
    paid, approved, submitted, _ = _ledger(refunds)
    response = client.get(f"{ADMIN}/export", headers=refunds.staff("jinshui_refunds"))
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["经费返还台账", "经费返还台账 (2)"]
    first, second = ([row for row in sheet.iter_rows(values_only=True)] for sheet in workbook)
    assert first[0] == second[0] and first[0][0] == "申请编号"
    assert len(first) == 3 and len(second) == 3  # header, two rows; header, a row, totals
    assert sorted(row[0] for row in first[1:] + second[1:2]) == sorted(
        a["id"] for a in (paid, approved, submitted))
    assert second[-1][:2] == ("合计", "3笔")
    assert Decimal(str(second[-1][first[0].index("缴费金额（元）")])) == Decimal("133.75")

"""The roster export: xlsx, scoped, masked unless an org admin gives a reason, audited."""

import io
import tracemalloc
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from service.core import clock
from service.core.pii import blind_index
from service.extensions import db
from service.models.accounts import User
from service.models.audit import AuditEntry
from service.models.members import JoinApplication, Member
from tests.helpers import assert_error, org_id
from tests.join.helpers import applied, form, id_number

EXPORT = "/api/v1/admin/members/export"


def sheet_rows(response) -> list[tuple]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(response.data), read_only=True)
    return list(workbook.active.iter_rows(values_only=True))


def test_export_is_masked_scoped_and_audited(app, client, member, staff):
    applied(client, member("a"), form({"org_id": org_id(app, "ZZ-MT")}, seq=1, name="周杰"))
    applied(client, member("b"), form({"org_id": org_id(app, "ZZ-ZZK")}, seq=2, name="吴磊"))
    rows = sheet_rows(client.get(EXPORT, headers=staff("xyt_reviewer")))
    assert rows[0][:6] == ("会员号", "姓名", "性别", "出生年份", "身份证号码", "手机号码")
    people = {row[1]: row for row in rows[1:-1]}
    assert set(people) == {"周杰", "吴磊"}
    assert people["周杰"][4] == id_number(1)[:3] + "*" * 14 + id_number(1)[-1:]
    assert people["周杰"][3] == 1990, "beside a masked ID the birth year, never the date"
    assert people["周杰"][5] == "139****0001" and people["周杰"][6] == "外卖配送员"
    assert people["周杰"][13] == "美团外卖郑州骑手工会" and people["周杰"][2] == "男"
    assert rows[-1][:2] == ("合计", "2人")
    only_mt = sheet_rows(client.get(EXPORT, query_string={"org_id": org_id(app, "ZZ-MT")},
                                    headers=staff("xyt_reviewer")))
    assert [row[1] for row in only_mt[1:-1]] == ["周杰"]
    assert sheet_rows(client.get(EXPORT, headers=staff("jinshui_reviewer")))[-1][1] == "0人"
    with app.app_context():
        entries = db.session.scalars(sa.select(AuditEntry).where(
            AuditEntry.action == "member.export").order_by(AuditEntry.id)).all()
    assert [e.detail["rows"] for e in entries] == [2, 1, 0]
    assert entries[0].actor_name == "xyt_reviewer" and entries[0].detail["full"] is False


def test_full_numbers_need_org_admin_and_a_reason(app, client, member, staff):
    applied(client, member("a"), form({"org_id": org_id(app, "ZZ-MT")}))
    assert_error(client.get(EXPORT, query_string={"full": "true", "reason": "上报"},
                            headers=staff("xyt_reviewer")), 403, "role_required")
    body = assert_error(client.get(EXPORT, query_string={"full": "true"},
                                   headers=staff("city_admin")), 422)
    assert "reason" in body["errors"]["query"] and body["message"].startswith("原因")
    rows = sheet_rows(client.get(EXPORT, query_string={"full": "true",
                                                       "reason": "会员实名制系统上报"},
                                 headers=staff("city_admin")))
    assert rows[0][3] == "出生日期" and rows[1][3] == "1990-03-07"
    assert rows[1][4] == id_number(1) and rows[1][5] == "13900000001"
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "member.export"))
    assert entry.reason == "会员实名制系统上报" and entry.detail["full"] is True


def _bulk_members(app, count: int, start: int) -> None:
    """Insert members straight into the tables (one user and application each)."""
    with app.app_context():
        org = org_id(app, "ZZ-MT")
        now = clock.now()
        person = {"name": "批量会员", "id_number": id_number(1), "gender": "male",
                  "birth_date": date(1990, 3, 7), "phone": "13900000001",
                  "phone_index": blind_index("phone", "13900000001"),
                  "occupation": "courier", "employer": "某快递网点"}
        ids = range(start, start + count)
        db.session.execute(sa.insert(User), [{"id": i, "openid": f"bulk-{i}",
                                              "created_at": now} for i in ids])
        db.session.execute(sa.insert(JoinApplication), [
            {**person, "id": i, "user_id": i, "org_id": org, "id_index": f"p{i}",
             "active_person_index": f"p{i}", "status": "approved", "created_at": now}
            for i in ids])
        db.session.execute(sa.insert(Member), [
            {**person, "id": i, "user_id": i, "application_id": i, "person_index": f"p{i}",
             "org_id": org, "member_no": f"410105-2026-{i:08d}", "status": "active",
             "joined_at": now, "updated_at": now} for i in ids])
        db.session.commit()


def _peak_export_memory(client, headers) -> tuple[int, int]:
    tracemalloc.start()
    try:
        response = client.get(EXPORT, headers=headers)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, len(sheet_rows(response)) - 2


@pytest.mark.slow
def test_export_memory_stays_flat_as_the_roster_grows(app, client, staff):
    headers = staff("xyt_reviewer")
    _bulk_members(app, 2000, start=100_000)
    small_peak, rows = _peak_export_memory(client, headers)
    assert rows == 2000
    _bulk_members(app, 3000, start=200_000)
    large_peak, rows = _peak_export_memory(client, headers)
    assert rows == 5000
    # 2.5 times the rows, about the same memory: rows stream in batches to a temporary file.
    assert large_peak < small_peak * 1.5, (small_peak, large_peak)


def test_a_stored_character_excel_refuses_never_reaches_the_file(app, client, member, staff):
    applied(client, member("a"), form({"org_id": org_id(app, "ZZ-MT")}, seq=1, name="周杰"))
    with app.app_context():  # stored before the input guard refused such text
        db.session.execute(sa.update(Member).values(employer="ACME\uffff\x08"))
        db.session.commit()
    rows = sheet_rows(client.get(EXPORT, headers=staff("xyt_reviewer")))
    assert rows[1][1] == "周杰" and rows[1][7] == "ACME"


def test_a_roster_longer_than_a_sheet_goes_on_in_more_sheets(app, client, staff):
    """At XLSX_SHEET_ROWS (1,048,575 in production; 3 here) a sheet is full: the roster
    goes on in the next, with its own header, and the totals come under the last."""
    app.config["XLSX_SHEET_ROWS"] = 3
    _bulk_members(app, 8, start=300_000)
    response = client.get(EXPORT, headers=staff("xyt_reviewer"), buffered=False)
    assert response.status_code == 200 and response.is_streamed
    workbook = load_workbook(io.BytesIO(b"".join(response.response)), read_only=True)
    sheets = {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}
    assert list(sheets) == ["会员名册", "会员名册 (2)", "会员名册 (3)"]
    assert all(rows[0][:2] == ("会员号", "姓名") and len(rows) <= 4 for rows in sheets.values())
    body = [row for rows in sheets.values() for row in rows[1:]]
    assert sorted(row[0] for row in body[:-1]) == [f"410105-2026-{i:08d}"
                                                  for i in range(300_000, 300_008)]
    assert body[-1][:2] == ("合计", "8人") and sheets["会员名册 (3)"][-1][:2] == ("合计", "8人")

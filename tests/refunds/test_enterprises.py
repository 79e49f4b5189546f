"""Registering an enterprise and its union: credit codes, bank account, size class."""

import pytest
import sqlalchemy as sa

from tests.helpers import assert_error
from tests.refunds.helpers import enterprise_body

URL = "/api/v1/refunds/enterprises"


def _wrong_check(code: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return code[:17] + alphabet[(alphabet.index(code[17]) + 1) % 31]


def test_registration_computes_size_class_and_masks_personal_data(app, client, refunds):
    body = enterprise_body(union_name=" 郑州云帆工会委员会 ",
                           bank_account_name="郑州云帆工会委员会")
    response = client.post(URL, json=body, headers=refunds.member("alice"))
    assert response.status_code == 201, response.get_json()
    enterprise = response.get_json()
    assert enterprise["size_class"] == "small" and enterprise["size_class_label"] == "小型"
    assert enterprise["industry_name"] == "软件和信息技术服务业"
    assert enterprise["org"]["name"] == "金水区总工会"
    assert enterprise["union_name"] == "郑州云帆工会委员会"
    assert enterprise["revenue_wan"] == "300.00" and enterprise["assets_wan"] is None
    assert enterprise["bank_account_no"] == "**** 8901"
    assert enterprise["contact_phone"] == "138****8000"
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT * FROM refund_enterprises")).fetchall()
    engine.dispose()
    assert "62170000123456789" not in repr(row) and "13800138000" not in repr(row)


@pytest.mark.parametrize(("field", "code"), [("uscc", "uscc_checksum"),
                                             ("union_uscc", "uscc_checksum")])
def test_wrong_check_character_is_422_naming_the_field(client, refunds, field, code):
    body = enterprise_body()
    body[field] = _wrong_check(body[field])
    response = client.post(URL, json=body, headers=refunds.member("alice"))
    error = assert_error(response, 422, code)
    assert list(error["errors"]["json"]) == [field]


def test_union_code_must_start_with_81(client, refunds):
    body = enterprise_body()
    body["union_uscc"] = "91" + body["union_uscc"][2:]  # a company's code by mistake
    error = assert_error(client.post(URL, json=body, headers=refunds.member("alice")), 422,
                         "union_uscc_prefix")
    assert list(error["errors"]["json"]) == ["union_uscc"]
    assert "81" in error["message"]


def test_bank_account_name_must_be_the_unions_name(client, refunds):
    body = enterprise_body(bank_account_name="郑州测试科技有限公司")
    error = assert_error(client.post(URL, json=body, headers=refunds.member("alice")), 422,
                         "bank_account_name_mismatch")
    assert list(error["errors"]["json"]) == ["bank_account_name"]


def test_unknown_district_and_bad_fields_are_422(client, refunds):
    headers = refunds.member("alice")
    error = assert_error(client.post(URL, json=enterprise_body(district_code="650102"),
                                     headers=headers), 422, "district_unknown")
    assert "district_code" in error["errors"]["json"]
    error = assert_error(client.post(URL, json=enterprise_body(revenue_wan="100.005"),
                                     headers=headers), 422)
    assert error["errors"]["json"]["revenue_wan"] == ["最多保留两位小数"]
    error = assert_error(client.post(URL, json=enterprise_body(contact_phone="12345"),
                                     headers=headers), 422, "phone_invalid")
    assert "contact_phone" in error["errors"]["json"]
    body = enterprise_body()
    del body["union_established_on"]
    error = assert_error(client.post(URL, json=body, headers=headers), 422)
    assert error["message"] == "工会成立日期为必填项"


def test_same_credit_code_twice_is_409(client, refunds):
    body = enterprise_body()
    assert client.post(URL, json=body, headers=refunds.member("alice")).status_code == 201
    assert_error(client.post(URL, json=body, headers=refunds.member("bob")), 409,
                 "enterprise_exists")


# (industry, employees, revenue 万元, assets 万元, expected) at the standard's thresholds.
BOUNDARIES = [
    ("retail", 10, "100", None, "small"),  # exactly both small thresholds
    ("retail", 9, "100", None, "micro"),  # one employee short
    ("retail", 10, "99.99", None, "micro"),  # small needs both conditions
    ("retail", 50, "500", None, "medium"),
    ("retail", 300, "20000", None, "large"),  # at both ceilings
    ("retail", 299, "20000", None, "medium"),  # below one ceiling is still an SME
    ("industry", 20, "300", None, "small"),
    ("industry", 19, "300", None, "micro"),
    ("industry", 999, "40000", None, "medium"),
    ("construction", 5, "300", "300", "small"),
    ("construction", 5, "300", "299.99", "micro"),
    ("construction", 5, "80000", "80000", "large"),
    ("agriculture", 3, "50", None, "small"),
    ("agriculture", 3, "49.99", None, "micro"),
    ("other", 10, "1", None, "small"),
    ("other", 9, "1", None, "micro"),
]


@pytest.mark.parametrize(("industry", "employees", "revenue", "assets", "expected"),
                         BOUNDARIES)
def test_size_class_on_the_standards_boundaries(client, refunds, industry, employees,
                                                revenue, assets, expected):
    body = enterprise_body(industry=industry, employees=employees, revenue_wan=revenue,
                           assets_wan=assets)
    response = client.post(URL, json=body, headers=refunds.member("alice"))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["size_class"] == expected


def test_numbers_are_read_as_written_and_assets_required_where_the_standard_needs_them(
        client, refunds):
    headers = refunds.member("alice")
    response = client.post(URL, json=enterprise_body(revenue_wan=100.1, employees=10,
                                                     industry="retail"), headers=headers)
    assert response.get_json()["revenue_wan"] == "100.10"
    assert response.get_json()["size_class"] == "small"
    error = assert_error(client.post(URL, json=enterprise_body(industry="construction"),
                                     headers=headers), 422, "assets_required")
    assert "assets_wan" in error["errors"]["json"]


def test_enterprises_are_the_owners_own(client, refunds):
    mine = refunds.enterprise("alice")
    refunds.enterprise("bob")
    listed = client.get(URL, headers=refunds.member("alice")).get_json()
    assert [e["id"] for e in listed["items"]] == [mine["id"]] and listed["total"] == 1
    assert_error(client.get(f"{URL}/{mine['id']}", headers=refunds.member("bob")), 404)
    assert_error(client.patch(f"{URL}/{mine['id']}", json={"employees": 5},
                              headers=refunds.member("bob")), 404)


def test_correcting_the_registration_reassesses_open_drafts(client, refunds):
    application = refunds.application("alice", year=2022, paid_fen=100_000)
    enterprise_id = application["enterprise"]["id"]
    response = client.patch(f"{URL}/{enterprise_id}", headers=refunds.member("alice"),
                            json={"employees": 150, "revenue_wan": "2000"})
    assert response.status_code == 200 and response.get_json()["size_class"] == "medium"
    draft = client.get(f"/api/v1/refunds/applications/{application['id']}",
                       headers=refunds.member("alice")).get_json()
    assert draft["size_class"] == "medium" and not draft["eligible"]
    assert any("中型" in reason for reason in draft["ineligible_reasons"])


def test_registration_is_frozen_while_staff_review(client, refunds):
    application = refunds.submitted("alice")
    response = client.patch(f"{URL}/{application['enterprise']['id']}", json={"employees": 5},
                            headers=refunds.member("alice"))
    assert_error(response, 409, "enterprise_in_review")


@pytest.mark.parametrize("amount", [-1.7976931348623157e308, 1e308, "1e400"])
def test_a_huge_amount_is_refused_by_name_not_a_500(client, refunds, amount):
    body = enterprise_body(revenue_wan=amount)
    error = assert_error(client.post(URL, json=body, headers=refunds.member("alice")), 422)
    assert "revenue_wan" in error["errors"]["json"]

"""Characters no export can hold are refused at the door; deep JSON is a 400, not a 500."""

import io
import logging

import pytest
from openpyxl import load_workbook

from service.core.spreadsheets import stream_xlsx
from tests.helpers import assert_error, org_id

ORGS = "/api/v1/admin/orgs"
UNSAFE = ["\uffff", "\ufffe", "\U0001ffff", "\U0010fffe", "\ufdd0", "\ufdef", "\x0b", "\x1f",
          "\x00"]


def _org(client, **changes):
    return {"name": "新工会", "kind": "grassroots", "parent_id": org_id(client.application, "JS"),
            **changes}


@pytest.mark.parametrize("char", UNSAFE, ids=[f"U+{ord(c):04X}" for c in UNSAFE])
def test_unsafe_characters_in_json_are_422_naming_the_field(client, staff, char):
    body = assert_error(client.post(ORGS, headers=staff("jinshui_admin"),
                                    json=_org(client, name=f"ACME{char}")), 422, "text_invalid")
    assert body["errors"] == {"json": {"name": [body["message"]]}}
    assert body["message"].startswith("名称")


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "x\\udbff"])
def test_a_lone_surrogate_is_422_not_500(client, staff, escape):
    parent = org_id(client.application, "JS")
    raw = f'{{"name": "{escape}", "kind": "grassroots", "parent_id": {parent}}}'
    body = assert_error(client.post(ORGS, headers=staff("jinshui_admin"), data=raw,
                                    content_type="application/json"), 422, "text_invalid")
    assert list(body["errors"]["json"]) == ["name"]


def test_nested_values_and_keys_are_named_by_their_path(client, staff):
    headers = staff("jinshui_admin")
    body = assert_error(client.post(ORGS, headers=headers, json=_org(
        client, extra={"items": ["ok", {"employer": "ACME\uffff"}]})), 422, "text_invalid")
    assert list(body["errors"]["json"]) == ["extra.items.1.employer"]
    assert body["message"].startswith("工作单位")
    raw = '{"na\\ud800me": "x"}'
    body = assert_error(client.post(ORGS, headers=headers, data=raw,
                                    content_type="application/json"), 422, "text_invalid")
    assert list(body["errors"]["json"]) == ["na\\ud800me"]


def test_query_strings_and_form_fields_are_checked_too(client, staff):
    body = assert_error(client.get("/api/v1/admin/members?q=ACME%EF%BF%BF",
                                   headers=staff("jinshui_admin")), 422, "text_invalid")
    assert body["errors"] == {"query": {"q": [body["message"]]}}
    body = assert_error(client.post(
        "/api/v1/admin/stations/import", headers=staff("jinshui_admin"),
        data={"note": "a\x01b", "file": (io.BytesIO(b"x"), "s.xlsx")},
        content_type="multipart/form-data"), 422, "text_invalid")
    assert list(body["errors"]["form"]) == ["note"]


def test_text_people_type_still_passes(client, staff):
    created = client.post(ORGS, headers=staff("jinshui_admin"),
                          json=_org(client, name="😀 骑手之家 𠀀\t第二行\r\n�"))
    assert created.status_code == 201, created.get_json()


def _no_traceback(caplog):
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize("body", ["[" * 10_000 + "]" * 10_000, '{"a":' * 2_000 + "1"
                                  + "}" * 2_000, "[" * 10_000])
def test_a_deeply_nested_body_is_400_without_a_traceback(client, caplog, body):
    caplog.set_level(logging.INFO)
    response = client.post("/api/v1/admin/auth/login", data=body,
                           content_type="application/json")
    assert assert_error(response, 400, "json_too_deep")["message"].startswith("请求体的嵌套")
    _no_traceback(caplog)


def test_nesting_is_refused_past_32_levels(client, caplog):
    caplog.set_level(logging.INFO)
    # The object is the first level: 32 more lists inside it make 33.
    deep = '{"username": "x", "password": "y", "extra": ' + "[" * 32 + "]" * 32 + "}"
    assert_error(client.post("/api/v1/admin/auth/login", data=deep,
                             content_type="application/json"), 400, "json_too_deep")
    ok = '{"username": "x", "password": "y", "extra": ' + "[" * 31 + "]" * 31 + "}"
    response = client.post("/api/v1/admin/auth/login", data=ok, content_type="application/json")
    assert response.status_code != 400 or response.get_json()["error"] != "json_too_deep"
    _no_traceback(caplog)


def test_the_writer_drops_what_xml_forbids():
    rows = [[f"ACME{char}" for char in UNSAFE] + ["a\ud800b"]]
    data = b"".join(stream_xlsx("名册\uffff", ["单位"] * len(rows[0]), rows))
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "名册"
    assert [cell.value for cell in sheet[2]] == ["ACME"] * len(UNSAFE) + ["ab"]


def test_a_checked_form_body_is_still_there_for_the_view(app):
    from flask import request

    @app.post("/probe")
    def probe():
        return {"raw": request.get_data(as_text=True), "a": request.form["a"]}

    response = app.test_client().post("/probe", data={"a": "骑手"})
    assert response.get_json() == {"raw": "a=%E9%AA%91%E6%89%8B", "a": "骑手"}
    assert_error(app.test_client().post("/probe", data={"a": "\uffff"}), 422, "text_invalid")

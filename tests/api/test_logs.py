"""Logs: one JSON line per request, and never personal data or secrets."""

import json
import logging

from service.core.logs import JsonFormatter, redact


def test_one_json_line_per_request_without_query_or_body(app, client, member, caplog):
    headers = member("logger")
    caplog.set_level(logging.DEBUG)
    client.post("/api/v1/me/phone", json={"code": "phone-13912345678"}, headers=headers)
    client.get("/api/v1/admin/members?q=13912345678")
    text = "\n".join(JsonFormatter().format(record) for record in caplog.records)
    assert "13912345678" not in text
    assert "dev-secret" not in text and "access_token=" not in text
    requests_logged = [json.loads(JsonFormatter().format(r)) for r in caplog.records
                       if r.name == "service.access"]
    assert [(r["method"], r["path"], r["status"]) for r in requests_logged] == [
        ("POST", "/api/v1/me/phone", 200), ("GET", "/api/v1/admin/members", 401)]
    assert all(r["request_id"] and r["duration_ms"] >= 0 for r in requests_logged)


def test_redaction_masks_id_numbers_and_phones_in_free_text():
    line = redact("user 11010519491231002X called from 13812345678 about order 20261123")
    assert line == "user 110105********002X called from 138****5678 about order 20261123"

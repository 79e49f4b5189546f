"""Every console page asks who is calling and checks the role, as the API views do."""

import re

from tests.console.helpers import sign_in, text

OPEN = {"console.login", "console.static", "console.not_found"}


def test_every_console_view_checks_the_role_with_the_apis_decorator(app):
    views = {rule.endpoint: app.view_functions[rule.endpoint] for rule in app.url_map.iter_rules()
             if rule.rule.startswith("/console/")}
    unchecked = [endpoint for endpoint, view in views.items()
                 if endpoint not in OPEN and not hasattr(view, "staff_roles")]
    assert unchecked == []
    assert len(views) > 10


def test_every_console_page_needs_a_session(client, app):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/console/") or rule.endpoint in OPEN:
            continue
        path = re.sub(r"<[^>]+>", "1", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(path, method=method)
            assert response.status_code == 302, (method, path)
            assert response.headers["Location"].startswith("/console/login"), (method, path)


def test_an_unknown_console_page_is_the_404_page(client):
    assert client.get("/console/nothing-here").status_code == 302  # signed out: sign in first
    sign_in(client, "jinshui_reviewer")
    response = client.get("/console/nothing-here")
    assert response.status_code == 404
    assert "页面不存在" in text(response) and "入会审核" in text(response)


def test_the_json_api_needs_no_form_token(client, staff):
    response = client.post("/api/v1/admin/members/verify-card", json={"verify_code": "x"},
                           headers=staff("jinshui_reviewer"))
    assert response.status_code == 422  # read by the rule, not refused for a missing token


def test_a_database_outage_is_a_page_in_chinese(client, app, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from service.console import dashboard

    sign_in(client, "jinshui_reviewer")

    def down(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("gone away"))

    monkeypatch.setattr(dashboard, "weekly_joins", down)
    response = client.get("/console/")
    assert response.status_code == 503
    assert "数据库暂时不可用" in text(response)

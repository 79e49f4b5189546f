"""The interactive API reference works offline: every asset from the app, in a real browser."""

import pytest

from tests.browser import browser_page, live_server

pytestmark = pytest.mark.slow


def test_docs_page_lists_the_operations_with_nothing_from_another_origin(app):
    with live_server(app) as origin, browser_page(origin) as browser:
        browser.page.goto(origin + "/api/v1/docs")
        browser.page.wait_for_selector(".opblock", timeout=20000)
        shown = browser.page.locator(".opblock").count()
        tags = browser.page.locator(".opblock-tag").all_inner_texts()
        browser.screenshot("api-docs")

        assert shown >= 50, f"only {shown} operations shown"
        assert any("扫码入会" in tag for tag in tags)
        assert browser.foreign_requests() == []
        assert browser.console_errors == []


def test_docs_assets_come_from_the_pinned_package(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "cdn" not in html and "http" not in html.replace(' lang="zh-CN"', "")
    assert "'self'" in page.headers["Content-Security-Policy"]
    assert "<script>" not in html, "an inline script would need the policy weakened"
    bundle = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and b"SwaggerUIBundle" in bundle.data
    assert client.get("/api/v1/docs/assets/../../../config.py").status_code == 404


def test_json_answers_allow_the_browser_to_load_nothing(client):
    response = client.get("/healthz")
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert response.headers["X-Content-Type-Options"] == "nosniff"

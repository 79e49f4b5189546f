"""审计日志 in the console: who exported what, in the caller's subtree only, with filters."""

from tests.console.helpers import post_form, sign_in, text
from tests.console.test_refunds import seed


def test_an_export_shows_who_did_it_and_other_districts_stay_out(client, app):
    seed(app)
    for username in ("jinshui_refunds", "erqi_refunds"):
        browser = app.test_client()
        sign_in(browser, username)
        exported = post_form(browser, "/console/refunds/ledger/export", {},
                             form_page="/console/refunds/ledger")
        assert exported.status_code == 200 and exported.data.startswith(b"PK")
    sign_in(client, "jinshui_admin")
    page = text(client.get("/console/audit?action=refund.export"))
    assert "导出返还台账" in page and "jinshui_refunds" in page
    assert "erqi_refunds" not in page
    city = app.test_client()
    sign_in(city, "city_admin")
    both = text(city.get("/console/audit?action=refund.export"))
    assert "jinshui_refunds" in both and "erqi_refunds" in both
    nothing = text(city.get("/console/audit?action=refund.export&since=2099-01-01"))
    assert "没有符合条件的记录" in nothing


def test_bad_dates_are_named_and_other_roles_refused(client, app):
    sign_in(client, "jinshui_admin")
    bad = client.get("/console/audit?since=2026-13-01")
    assert bad.status_code == 422 and "开始日期格式不正确" in text(bad)
    assert 'aria-invalid="true"' in text(bad)
    other = app.test_client()
    sign_in(other, "jinshui_refunds")
    assert other.get("/console/audit").status_code == 403

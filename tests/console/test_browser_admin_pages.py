"""The 入会码, 人员 and 审计日志 pages in a real browser at 1366x768, used by keyboard."""

import pytest
from sqlalchemy import select

from service.extensions import db
from service.models.accounts import Admin
from service.models.join_codes import JoinCode
from tests.console.helpers import signed_in_browser

pytestmark = pytest.mark.slow


def test_a_reviewer_makes_a_join_code_by_keyboard(app):
    with signed_in_browser(app, "jinshui_reviewer") as (browser, origin):
        page = browser.page
        page.get_by_role("link", name="入会码").click()
        page.wait_for_url(origin + "/console/join-codes")
        label = page.get_by_label("渠道名称（如“饿了么二七站”）")
        label.focus()
        page.keyboard.type("花园路集中入会")
        page.keyboard.press("Enter")
        page.get_by_text("已为“花园路集中入会”生成入会码").wait_for()
        image = page.get_by_role("img", name="花园路集中入会的入会码")
        assert image.evaluate("i => i.complete && i.naturalWidth > 0")
        browser.screenshot("console-join-codes")
        with page.expect_download() as download:
            page.get_by_role("link", name="下载“花园路集中入会”海报（A4 PNG）").click()
        assert download.value.path().read_bytes().startswith(b"\x89PNG")
        assert browser.foreign_requests() == []
        assert browser.console_errors == []
    with app.app_context():
        assert db.session.scalar(select(JoinCode.label)) == "花园路集中入会"


def test_an_org_admin_creates_an_account_and_reads_the_audit_log(app):
    with signed_in_browser(app, "jinshui_admin") as (browser, origin):
        page = browser.page
        page.get_by_role("link", name="人员").click()
        page.get_by_label("用户名", exact=True).fill("jinshui_helper")
        page.get_by_label("姓名", exact=True).fill("周七")
        page.get_by_label("站点管理员").first.check()
        page.get_by_role("button", name="创建账号").click()
        page.locator("#initial-password").wait_for()
        browser.screenshot("console-staff")
        page.get_by_role("link", name="审计日志").click()
        page.get_by_label("操作").select_option("account.create")
        page.get_by_role("button", name="筛选").click()
        page.get_by_role("cell", name="创建账号").wait_for()
        browser.screenshot("console-audit")
        assert browser.foreign_requests() == []
        assert browser.console_errors == []
    with app.app_context():
        account = db.session.scalar(select(Admin).where(Admin.username == "jinshui_helper"))
        assert account.roles == ["station_manager"] and account.must_change_password

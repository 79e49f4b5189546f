"""A district refund reviewer approves in a real browser, the city finance account pays,
and the ledger export downloads and opens."""

import io

import pytest
from openpyxl import load_workbook

from service.extensions import db
from service.models.refund_applications import RefundApplication
from tests.console.helpers import signed_in_browser
from tests.console.test_refunds import one, seed

pytestmark = pytest.mark.slow


def test_approve_then_pay_then_export(app):
    ids = seed(app)
    application_id = one(ids, "郑州金水云帆", 2023)
    with signed_in_browser(app, "jinshui_refunds") as (browser, origin):
        page = browser.page
        page.get_by_role("link", name="经费返还").click()
        page.wait_for_url(origin + "/console/refunds")
        browser.screenshot("console-refunds")
        page.get_by_role("link", name="郑州金水云帆软件有限公司").click()
        page.get_by_role("img", name="营业执照").wait_for()
        assert page.get_by_role("img", name="营业执照").evaluate("i => i.naturalWidth") == 1
        browser.screenshot("console-refund-application")
        page.get_by_label("审核意见（驳回时必填，申请人会看到）").fill("材料齐全")
        page.get_by_role("button", name="通过").click()
        page.get_by_text("已审核通过").wait_for()
        assert browser.foreign_requests() == []
        assert browser.console_errors == []

    with signed_in_browser(app, "city_finance") as (browser, origin):
        page = browser.page
        page.get_by_role("link", name="经费返还").click()
        page.get_by_role("link", name="郑州金水云帆软件有限公司").click()
        page.get_by_label("付款凭证号").fill("ZZGH-FH-2026-001")
        page.get_by_label("拨付日期").fill("2026-11-30")
        refundable = page.get_by_label("拨付金额（元）").input_value()
        page.get_by_role("button", name="登记拨付").click()
        page.get_by_text("已登记拨付").wait_for()

        page.goto(origin + "/console/refunds/ledger")
        browser.screenshot("console-refund-ledger")
        with page.expect_download() as download:
            page.get_by_role("button", name="导出").click()
        sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == "申请编号" and rows[-1][0] == "合计"
        paid = next(row for row in rows if row[0] == application_id)
        assert paid[11] == "已拨付" and paid[16] == "ZZGH-FH-2026-001"
        page.get_by_role("link", name="← 返回申请列表").click()
        page.get_by_role("link", name="返还政策").click()
        page.get_by_role("heading", name="返还政策").wait_for()
        browser.screenshot("console-refund-policies")
        assert browser.foreign_requests() == []
        assert browser.console_errors == []

    with app.app_context():
        application = db.session.get(RefundApplication, application_id)
        assert application.status == "paid"
        assert f"{application.payout_fen / 100:.2f}" == refundable

"""A district reviewer works the queue in a real browser: 驳回 one, 通过 two in bulk."""

import pytest
from sqlalchemy import select

from service.extensions import db
from service.models.members import JoinApplication, Member
from service.models.outbox import OutboxMessage
from tests.console.helpers import add_applications, signed_in_browser

pytestmark = pytest.mark.slow


def test_a_reviewer_rejects_one_and_approves_two_in_bulk(app):
    ids = add_applications(app, "JS-XW", 3)
    with signed_in_browser(app, "jinshui_reviewer") as (browser, origin):
        page = browser.page
        page.get_by_role("link", name="入会审核").click()
        page.wait_for_url(origin + "/console/review")
        browser.screenshot("console-review-queue")

        page.get_by_role("link", name=page.locator(f"a[href='/console/review/{ids[0]}']")
                         .inner_text()).click()
        # Loaded, its script with it: picking a reason fills the text box.
        page.wait_for_url(f"{origin}/console/review/{ids[0]}")
        page.get_by_label("常用驳回理由").select_option(index=1)
        reason = page.get_by_label("驳回理由（申请人会看到）").input_value()
        assert reason
        browser.screenshot("console-review-application")
        page.get_by_role("button", name="驳回").click()
        page.get_by_text("已驳回").first.wait_for()

        page.get_by_role("link", name="入会审核").click()
        page.get_by_label("选择", exact=False).nth(0).check()
        page.get_by_label("选择", exact=False).nth(1).check()
        page.get_by_role("button", name="通过所选申请").click()
        page.get_by_text("已通过 2 份申请").wait_for()

        assert browser.foreign_requests() == []
        assert browser.console_errors == []

    with app.app_context():
        rejected = db.session.get(JoinApplication, ids[0])
        assert rejected.status == "rejected" and rejected.reject_reason == reason
        assert [db.session.get(JoinApplication, i).status for i in ids[1:]] == ["approved"] * 2
        members = db.session.scalars(select(Member.application_id)).all()
        assert sorted(members) == sorted(ids[1:])
        notices = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert len(notices) == 3
        assert reason in str(notices[0].data) and "未通过" in str(notices[0].data)
        assert all("未通过" not in str(notice.data) and "通过" in str(notice.data)
                   for notice in notices[1:])

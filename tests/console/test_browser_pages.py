"""Every console page in a real browser at 1366x768 (and 1920 wide): screenshots, an
accessibility scan (axe-core), nothing from another origin, no console error."""

import re

import pytest
from sqlalchemy import select

from service.extensions import db
from service.models.members import JoinApplication, Member
from tests.browser import browser_page, live_server
from tests.console.helpers import add_applications, scan, signed_in_browser

pytestmark = pytest.mark.slow


def _a_member_and_an_application(app):
    with app.app_context():
        member_id = db.session.scalar(
            select(Member.id).join(Member.org).where(Member.org.has(code="ZZ-MT"))
            .order_by(Member.id).limit(1))
        application_id = db.session.scalar(
            select(JoinApplication.id).where(JoinApplication.status == "pending",
                                             JoinApplication.org.has(code="ZZ-ELM"))
            .order_by(JoinApplication.id).limit(1))
    return member_id, application_id


def test_every_page_at_1366_is_accessible_and_self_contained(app, demo_data, axe_source):
    member_id, application_id = _a_member_and_an_application(app)
    pages = [
        ("console-dashboard", "/console/"),
        ("console-review-queue", "/console/review"),
        ("console-review-application", f"/console/review/{application_id}"),
        ("console-members", "/console/members"),
        ("console-member", f"/console/members/{member_id}"),
        ("console-card-check", "/console/card"),
        ("console-password", "/console/password"),
        ("console-not-found", "/console/review/999999"),
    ]
    findings = {}
    with signed_in_browser(app, "city_admin") as (browser, origin):
        page = browser.page
        for name, path in pages:
            page.goto(origin + path)
            page.locator("main h1").first.wait_for()
            browser.screenshot(name)
            if name == "console-dashboard":  # docs/console-dashboard.png is a copy of it
                assert page.locator("svg.chart").count() >= 3
            findings[path] = scan(page, axe_source)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 1366, f"{path} scrolls sideways at 1366 ({width}px)"
        assert browser.foreign_requests() == []
        # The 404 page answers 404, which the browser logs as a failed resource.
        assert [e for e in browser.console_errors if "status of 404" not in e] == []
    with signed_in_browser(app, "city_admin") as (browser, origin):
        # A screenshot of the sign-in form and its error, signed out.
        page = browser.page
        page.get_by_role("button", name="退出登录").click()
        page.get_by_label("用户名").fill("city_admin")
        page.get_by_label("密码", exact=True).fill("wrong")
        page.get_by_role("button", name="登录").click()
        page.get_by_text("用户名或密码错误").wait_for()
        browser.screenshot("console-login-error")
        findings["/console/login"] = scan(page, axe_source)
        assert page.get_by_label("用户名").input_value() == "city_admin"
        assert browser.foreign_requests() == []
        # The failed sign-in answers 401, which the browser logs as a failed resource.
        assert [e for e in browser.console_errors if "status of 401" not in e] == []
    assert {path: found for path, found in findings.items() if found} == {}


def test_the_scan_does_find_an_unlabelled_field(app, axe_source):
    with live_server(app) as origin, browser_page(origin) as browser:
        browser.page.goto(origin + "/console/login")
        assert scan(browser.page, axe_source) == []
        browser.page.evaluate("() => document.querySelector('label[for=password]').remove()")
        assert any(finding.startswith("label:") for finding in scan(browser.page, axe_source))


def test_the_dashboard_at_1920_and_for_refund_staff(app, demo_data):
    with signed_in_browser(app, "city_finance", width=1920, height=1080) as (browser, origin):
        page = browser.page
        page.locator("main h1").wait_for()
        assert page.get_by_role("heading", name="经费返还（按状态）").is_visible()
        assert page.get_by_role("link", name="入会审核").count() == 0
        browser.screenshot("console-dashboard-1920-finance")
        assert browser.foreign_requests() == []
        assert browser.console_errors == []


def test_another_districts_application_opened_by_url_is_the_404_page(app):
    [foreign] = add_applications(app, "EQ-HT", 1)
    with signed_in_browser(app, "jinshui_reviewer") as (browser, origin):
        page = browser.page
        response = page.goto(f"{origin}/console/review/{foreign}")
        assert response.status == 404
        assert page.get_by_role("heading", name="未找到").is_visible()
        assert page.get_by_text("入会申请不存在").is_visible()
        assert page.get_by_role("button", name="通过").count() == 0
        browser.screenshot("console-review-other-district")
        assert browser.foreign_requests() == []
        assert [e for e in browser.console_errors if "status of 404" not in e] == []


def test_a_post_without_the_form_token_is_refused_with_the_403_page(app):
    [application_id] = add_applications(app, "JS-XW", 1)
    with signed_in_browser(app, "jinshui_reviewer") as (browser, origin):
        page = browser.page
        page.goto(f"{origin}/console/review/{application_id}")
        page.evaluate("() => document.querySelectorAll(\"input[name='csrf_token']\")"
                      ".forEach(input => input.remove())")
        page.get_by_role("button", name="通过").click()
        page.get_by_role("heading", name="没有权限").wait_for()
        assert page.get_by_text("安全校验未通过").is_visible()
        browser.screenshot("console-csrf-refused")
        assert browser.foreign_requests() == []
        assert [e for e in browser.console_errors if "status of 403" not in e] == []
    with app.app_context():
        assert db.session.get(JoinApplication, application_id).status == "pending"
        assert db.session.scalar(select(Member.id)) is None


def test_keyboard_alone_signs_in_and_reaches_the_queue(app):
    with live_server(app) as origin, browser_page(origin) as browser:
        page = browser.page
        page.goto(origin + "/console/login")
        page.keyboard.press("Tab")  # the skip link
        page.keyboard.press("Tab")
        page.keyboard.type("jinshui_reviewer")
        page.keyboard.press("Tab")
        page.keyboard.type("demo-pass-2026")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*/console/$"))
        for _ in range(12):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.textContent") == "入会审核":
                break
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*/console/review$"))
        assert browser.console_errors == []


def _a_refund_and_a_station(app):
    from service.models.refund_applications import RefundApplication
    from service.models.stations import Station

    with app.app_context():
        refund_id = db.session.scalar(
            select(RefundApplication.id).where(RefundApplication.status != "draft",
                                               RefundApplication.org.has(district_code="410105"))
            .order_by(RefundApplication.id).limit(1))
        station_id = db.session.scalar(
            select(Station.id).where(Station.org.has(code="JS")).order_by(Station.id).limit(1))
    return refund_id, station_id


@pytest.mark.parametrize(("username", "pages"), [
    ("jinshui_stations", ["/console/stations", "/console/stations/new", "{station}",
                          "/console/stations/import", "/console/stations/feedback"]),
    ("jinshui_refunds", ["/console/refunds", "{refund}", "/console/refunds/ledger"]),
    ("city_finance", ["/console/refunds/policies"]),
    ("jinshui_admin", ["/console/join-codes", "/console/staff", "/console/audit"]),
])
def test_the_station_refund_code_staff_and_audit_pages_are_accessible(app, demo_data,
                                                                      axe_source, username,
                                                                      pages):
    refund_id, station_id = _a_refund_and_a_station(app)
    findings = {}
    with signed_in_browser(app, username) as (browser, origin):
        page = browser.page
        for path in pages:
            path = path.format(refund=f"/console/refunds/{refund_id}",
                               station=f"/console/stations/{station_id}")
            page.goto(origin + path)
            page.locator("main h1").first.wait_for()
            findings[path] = scan(page, axe_source)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 1366, f"{path} scrolls sideways at 1366 ({width}px)"
        assert browser.foreign_requests() == [] and browser.console_errors == []
    assert {path: found for path, found in findings.items() if found} == {}

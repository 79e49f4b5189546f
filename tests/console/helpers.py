"""Helpers for the console tests: sign in through the form, send forms with their token."""

import re
from contextlib import contextmanager

from service.demo import DEMO_PASSWORD
from tests.browser import browser_page, live_server

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client, path: str = "/console/login") -> str:
    """The CSRF token of the form on `path` (as the browser would read it)."""
    page = client.get(path)
    found = TOKEN.search(page.get_data(as_text=True))
    assert found, f"no form token on {path} ({page.status_code})"
    return found.group(1)


def sign_in(client, username: str, password: str = DEMO_PASSWORD, **extra):
    """Send the sign-in form; the answer, not followed."""
    token = csrf_token(client)
    return client.post("/console/login", data={"csrf_token": token, "username": username,
                                               "password": password, **extra})


def post_form(client, path: str, data: dict, form_page: str | None = None):
    """Send a form of `form_page` (by default `path`) with its CSRF token."""
    token = csrf_token(client, form_page or path)
    return client.post(path, data={"csrf_token": token, **data})


def text(response) -> str:
    return response.get_data(as_text=True)


@contextmanager
def signed_in_browser(app, username: str, password: str = DEMO_PASSWORD, **size):
    """A live server and a browser page signed in as `username` through the sign-in form.

    Yields (browser, origin); `browser.page` is the Playwright page, on the dashboard.
    """
    with live_server(app) as origin, browser_page(origin, **size) as browser:
        page = browser.page
        page.goto(origin + "/console/login")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码", exact=True).fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(origin + "/console/**")
        yield browser, origin


def add_applications(app, org_code: str, count: int, *, first: int = 1,
                     occupation: str = "food_delivery", days_ago: int = 3) -> list[int]:
    """`count` pending applications to the org `org_code`, as people send them from the
    mini-program (one WeChat account each); their ids, oldest first."""
    from datetime import date, timedelta

    from sqlalchemy import select

    from service.core import clock
    from service.core.pii import blind_index
    from service.domain.idcard import make_id_number
    from service.extensions import db
    from service.models.accounts import User
    from service.models.members import JoinApplication
    from service.models.orgs import Org

    ids = []
    with app.app_context():
        org = db.session.scalar(select(Org).where(Org.code == org_code))
        for seq in range(first, first + count):
            number = make_id_number("410105", date(1990, 3, 7), seq)
            phone = f"139{seq:08d}"
            person = blind_index("id_number", number)
            user = User(openid=f"console-test-{seq}", id_number=number, id_number_index=person)
            application = JoinApplication(
                user=user, org=org, name=f"测试{'甲乙丙丁戊己庚辛壬癸'[seq % 10]}{seq}",
                id_number=number, id_index=person, active_person_index=person,
                gender="male" if seq % 2 else "female", birth_date=date(1990, 3, 7),
                phone=phone, phone_index=blind_index("phone", phone), occupation=occupation,
                employer="美团外卖", status="pending",
                created_at=clock.now() - timedelta(days=days_ago, minutes=count - seq))
            db.session.add(application)
            db.session.flush()
            ids.append(application.id)
        db.session.commit()
    return ids


def scan(page, axe_source: str) -> list[str]:
    """The serious and critical findings of axe-core on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source)  # run by the browser's debugger, not a page script
    results = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ': ' + v.help + ' @ ' + v.nodes.map(n => n.target.join(' '))"
        ".slice(0, 3).join(', '))")
    return results

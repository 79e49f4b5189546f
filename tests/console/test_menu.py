"""Each staff member sees only the menu items their roles open, and the pages agree."""

import re

import pytest

from tests.console.helpers import sign_in, text

MENU = re.compile(r'<nav class="menu".*?</nav>', re.S)


def _menu(client, username) -> list[str]:
    assert sign_in(client, username).status_code == 302
    page = text(client.get("/console/"))
    return re.findall(r"<a href=\"[^\"]+\"[^>]*>([^<]+)</a>", MENU.search(page).group(0))


@pytest.mark.parametrize(("username", "shown", "hidden"), [
    ("jinshui_reviewer", {"工作台", "入会审核", "会员", "会员卡核验"}, set()),
    ("jinshui_admin", {"工作台", "入会审核", "会员", "会员卡核验"}, set()),
    ("jinshui_refunds", {"工作台", "会员卡核验"}, {"入会审核", "会员"}),
    ("jinshui_stations", {"工作台", "会员卡核验"}, {"入会审核", "会员"}),
    ("city_finance", {"工作台", "会员卡核验"}, {"入会审核", "会员"}),
])
def test_the_menu_follows_the_roles(client, username, shown, hidden):
    items = set(_menu(client, username))
    assert shown <= items, items
    assert not hidden & items, items


def test_every_menu_page_opens_for_whoever_sees_it(client):
    for username in ("jinshui_reviewer", "jinshui_refunds", "city_admin"):
        sign_in(client, username)
        page = text(client.get("/console/"))
        for href in re.findall(r'<a href="(/console/[^"]*)"', MENU.search(page).group(0)):
            assert client.get(href).status_code == 200, (username, href)

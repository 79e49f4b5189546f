"""工作台 at each level: the city root's queue is every pending application of the city, a
district's only its own subtree's, and both move with an approval at once (the queue read
over the subtree, the members from the kept figures)."""

import re

from tests.console.helpers import add_applications, sign_in, text
from tests.console.test_dashboard import _approve_now

PENDING = re.compile(r'<div class="value">(\d+)</div><div class="label">待审核入会申请')
WEEKLY = re.compile(r'<div class="value">(\d+)</div><div class="label">近12周新入会会员')


def figures(client, username: str) -> tuple[int, int]:
    """(pending applications, members joined in the last 12 weeks) as the page shows."""
    sign_in(client, username)
    page = text(client.get("/console/"))
    return int(PENDING.search(page).group(1)), int(WEEKLY.search(page).group(1))


def test_the_city_and_a_district_see_their_own_queue_and_members(client, app):
    jinshui = add_applications(app, "JS-XW", 2, days_ago=5)
    add_applications(app, "EQ-HT", 3, first=20, days_ago=1)
    city, district = figures(client, "city_admin"), figures(client, "jinshui_admin")
    assert city[0] == 5 and district[0] == 2
    _approve_now(app, jinshui[:1])
    assert figures(client, "city_admin") == (4, city[1] + 1)
    assert figures(client, "jinshui_admin") == (1, district[1] + 1)
    page = text(client.get("/console/"))
    assert re.search(r'<div class="value">5天</div>', page)  # the district's oldest

"""The city-sized benchmark data, at a small size: the tree's shape, the members' spread,
personal values stored encrypted, and a second load that adds nothing."""

import statistics
from collections import Counter

import sqlalchemy as sa

from bench.city import ZONES, Spread, load_city
from service.extensions import db
from service.models.members import Member
from service.models.orgs import Org


def test_the_city_tree_and_its_members(app, demo_orgs):
    with app.app_context():
        assert load_city(None, members=3000, grassroots=400) == 3000
        orgs = {org.id: org for org in db.session.scalars(sa.select(Org))}
        districts = [org for org in orgs.values() if org.kind == "district_federation"]
        assert len(districts) == 16 and {code for code, _, _ in ZONES} <= {
            org.code for org in districts}
        grassroots = [org for org in orgs.values() if org.code.startswith("CG-")]
        assert len(grassroots) == 400
        for union in grassroots:  # a grassroots union, under a street or industry union
            parent = orgs[union.parent_id]
            assert parent.kind == "industry_union" and orgs[parent.parent_id] in districts
            assert union.path == f"{parent.path}{union.id}/"
        sizes = Counter(db.session.scalars(sa.select(Member.org_id)))
        assert set(sizes) <= {union.id for union in grassroots}
        every = [sizes.get(union.id, 0) for union in grassroots]
        assert max(every) > 10 * statistics.median(every)  # a few large, most small
        stored = db.session.execute(sa.text("SELECT id_number, phone FROM members")).first()
        assert not stored[0].startswith("4101") and not stored[1].startswith("136")
        assert load_city(None, members=3000, grassroots=400) == 3000  # cached: nothing added


def test_a_member_falls_in_the_same_union_in_every_process():
    spread = Spread(list(range(100, 200)))
    assert [spread.union_of(n) for n in range(50)] == [
        Spread(list(range(100, 200))).union_of(n) for n in range(50)]

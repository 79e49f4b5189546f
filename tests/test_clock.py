"""The one clock: a testing app may pin it, and column defaults read it at insert time."""

from datetime import UTC, date, datetime

from service.core import clock
from service.extensions import db
from service.models.orgs import Org


def test_column_defaults_read_the_clock_at_each_insert(app):
    first, later = datetime(2024, 3, 15, 2, 30, tzinfo=UTC), datetime(2025, 1, 2, 3, 4, tzinfo=UTC)
    with app.app_context():
        for code, moment in (("A", first), ("B", later)):
            app.config["FIXED_NOW"] = moment
            org = Org(code=code, name=f"工会{code}", kind="grassroots")
            db.session.add(org)
            db.session.flush()
            org.place_under(None)
            db.session.commit()
        stamps = {org.code: (org.created_at, org.updated_at) for org in db.session.scalars(
            db.select(Org).where(Org.code.in_(("A", "B"))))}
    assert stamps == {"A": (first, first), "B": (later, later)}


def test_business_dates_are_in_shanghai_and_follow_the_pin(app):
    with app.app_context():
        app.config["FIXED_NOW"] = datetime(2024, 12, 31, 16, 30, tzinfo=UTC)  # 00:30 in Shanghai
        assert clock.today_shanghai() == date(2025, 1, 1)
        app.config["FIXED_TODAY"] = "2023-03-01"
        assert clock.today_shanghai() == date(2023, 3, 1)

"""The replica's lag as the service measures it: the worker beats on the primary, /metrics
reads the beat on the replica, and the lag grows while the replica stands still."""

import os
from datetime import timedelta

import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from service.extensions import db
from service.models.heartbeat import Heartbeat
from service.notifications.delivery import run_worker
from tests.helpers import ON_MYSQL
from tests.replicas import catch_up


def scrape(client) -> dict:
    return {sample.name: sample.value
            for family in text_string_to_metric_families(client.get("/metrics").get_data(
                as_text=True)) for sample in family.samples}


def test_the_worker_beats_and_the_lag_is_read_on_the_replica(lagging, database_url):
    app, replica = lagging
    client = app.test_client()
    before = scrape(client)
    assert before["union_replica_up"] == 1 and "union_replica_lag_seconds" not in before

    with app.app_context():
        run_worker(once=True)  # a round of the worker: the first beat, on the primary
        beat_at = db.session.get(Heartbeat, "primary").beat_at
    assert "union_replica_lag_seconds" not in scrape(client)  # not replicated yet

    catch_up(database_url, replica)
    assert scrape(client)["union_replica_lag_seconds"] < 60
    app.config["FIXED_NOW"] = beat_at + timedelta(seconds=90)  # the replica stands still
    assert 89 <= scrape(client)["union_replica_lag_seconds"] <= 91


def test_a_replica_that_does_not_answer_is_a_metric_not_a_failed_scrape(lagging,
                                                                        database_url):
    app, replica = lagging
    if ON_MYSQL:
        engine = sa.create_engine(database_url)
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP DATABASE `{sa.engine.make_url(replica).database}`"))
        engine.dispose()
    else:
        os.remove(replica.removeprefix("sqlite:///"))
    with app.app_context():
        db.engines["replica"].dispose()
    samples = scrape(app.test_client())
    assert samples["union_replica_up"] == 0 and samples["union_database_up"] == 1


def test_without_a_replica_the_worker_writes_no_beat(app):
    with app.app_context():
        run_worker(once=True)
        assert db.session.get(Heartbeat, "primary") is None

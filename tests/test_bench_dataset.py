"""The benchmark data set's cache: built once and copied while the server is stopped, given
back clean to every later run whatever that run changed, and taken again when newer
migrations or a step added since changed it."""

from pathlib import Path

import pytest
from sqlalchemy import select

from bench import city, dataset
from service.demo.stations import generate_stations, insert_stations
from service.extensions import db
from service.models.orgs import Org


class Env:
    """What dataset.prepare uses of BenchEnv: a data directory, the app, start and stop."""

    def __init__(self, app, root: Path):
        self.app, self.settings, self.data_dir = app, {"NAME": "settings"}, root
        self.events: list[str] = []
        root.mkdir(parents=True, exist_ok=True)

    def halt_database(self):
        self.events.append("halt")

    def serve_database(self):
        self.events.append("serve")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_CACHE", str(tmp_path / "cache"))
    loaded, after = [], []

    def load(settings, quick):  # tops up: the rows of a database that has none yet
        loaded.append((settings["NAME"], quick))
        rows = tmp_path / "first" / "data" / "rows"
        if not rows.exists():
            rows.parent.mkdir(parents=True)
            rows.write_text("the data set")
        return 3

    monkeypatch.setattr(dataset, "STEPS", [("rows", load)])
    monkeypatch.setattr(dataset, "AFTER_LOAD", [
        (dataset.FILLED, lambda settings, quick, added: after.append((quick, added)))])
    return loaded, after


def head(app) -> str:
    with app.app_context():
        return dataset.migration_head()


def test_a_built_data_set_is_cached_and_later_runs_get_it_back_clean(app, tmp_path, cache):
    loaded, after = cache
    first = Env(app, tmp_path / "first")
    assert dataset.restore(first.data_dir, quick=True) is None  # nothing cached yet
    line = dataset.prepare(first, True, None)
    assert loaded == [("settings", True)] and after == [(True, False)]
    assert first.events == ["halt", "serve"]  # copied while the server was down
    assert "built" in line and "3 rows" in line
    cached = dataset.cache_dir(True)
    assert cached.parent == tmp_path / "cache"
    assert (cached / "data" / "rows").read_text() == "the data set"
    assert (cached / "migration").read_text().strip() == head(app)
    assert not dataset.cache_dir(False).exists()

    (first.data_dir / "data" / "rows").write_text("the data set and a run's sign-ups")
    second = Env(app, tmp_path / "second")
    assert dataset.restore(second.data_dir, quick=True) is not None
    assert (second.data_dir / "data" / "rows").read_text() == "the data set"
    line = dataset.prepare(second, True, 1.0)
    # The steps look again and find nothing missing: not cached again.
    assert "restored" in line and "topped up" not in line and len(loaded) == 2
    assert second.events == [] and after == [(True, False), (True, False)]
    assert dataset.restore(tmp_path / "third", quick=False) is None  # the other size


def test_a_restored_data_set_is_cached_again_once_newer_migrations_ran(app, tmp_path, cache):
    dataset.prepare(Env(app, tmp_path / "first"), True, None)
    cached = dataset.cache_dir(True)
    (cached / "migration").write_text("0001\n")  # taken before the newest migration
    second = Env(app, tmp_path / "second")
    dataset.restore(second.data_dir, quick=True)
    (second.data_dir / "data" / "rows").write_text("the data set, migrated")
    line = dataset.prepare(second, True, 1.0)
    assert second.events == ["halt", "serve"] and "newer migrations" in line
    assert (cached / "migration").read_text().strip() == head(app)
    assert (cached / "data" / "rows").read_text() == "the data set, migrated"
    assert [p.name for p in cached.parent.iterdir()] == [cached.name]  # no leftovers


def test_a_step_added_since_tops_up_the_restored_data_set_and_it_is_cached_again(
        app, demo_orgs, tmp_path, cache, monkeypatch):
    loaded, after = cache
    dataset.prepare(Env(app, tmp_path / "first"), True, None)

    def stations(settings, quick):  # run inside the app's context, as every step is
        org_ids = dict(db.session.execute(select(Org.code, Org.id)).all())
        return insert_stations(generate_stations(5, 1, org_ids=org_ids, code_prefix="TOPPED"),
                               batch=5)

    monkeypatch.setattr(dataset, "STEPS", [*dataset.STEPS, ("stations", stations)])
    members = []  # a hook deriving from the members only: not theirs to redo
    monkeypatch.setattr(dataset, "AFTER_LOAD", [*dataset.AFTER_LOAD, (
        ("members",), lambda settings, quick, added: members.append(added))])
    second = Env(app, tmp_path / "second")
    dataset.restore(second.data_dir, quick=True)
    line = dataset.prepare(second, True, 1.0)
    assert "topped up" in line and "stations: 5 rows" in line
    assert second.events == ["halt", "serve"] and after[-1] == (True, True)
    assert members == [False]


def test_the_figures_are_counted_once_after_the_steps_and_not_when_nothing_was_added(
        app, demo_orgs, tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(dataset, "QUICK", dataset.Size(40, 300, 0, 0, 0))
    monkeypatch.setattr(dataset, "STEPS", [(  # in this process, not in workers
        "the city tree and its members", lambda settings, quick: dataset._city(None, quick))])
    counted = []
    real_rebuild = city.rebuild
    monkeypatch.setattr(city, "rebuild", lambda: counted.append(real_rebuild()))
    (tmp_path / "first" / "data").mkdir(parents=True)  # what the snapshot copies
    line = dataset.prepare(Env(app, tmp_path / "first"), True, None)
    # by AFTER_LOAD, not by the step too, into count rows for the members loaded
    assert "300 rows" in line and len(counted) == 1 and counted[0] > 0
    second = Env(app, tmp_path / "second")
    line = dataset.prepare(second, True, 1.0)  # the same rows: nothing added, nothing counted
    assert "topped up" not in line and len(counted) == 1 and second.events == []

"""The benchmark data set's cache: built once and copied while the server is stopped, given
back clean to every later run whatever that run changed, and taken again when newer
migrations ran on top."""

from pathlib import Path

import pytest

from bench import dataset


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

    def load(settings, quick):
        loaded.append((settings["NAME"], quick))
        (tmp_path / "first" / "data").mkdir(parents=True)
        (tmp_path / "first" / "data" / "rows").write_text("the data set")
        return 3

    monkeypatch.setattr(dataset, "STEPS", [("rows", load)])
    monkeypatch.setattr(dataset, "AFTER_LOAD", [lambda settings, quick: after.append(quick)])
    return loaded, after


def head(app) -> str:
    with app.app_context():
        return dataset.migration_head()


def test_a_built_data_set_is_cached_and_later_runs_get_it_back_clean(app, tmp_path, cache):
    loaded, after = cache
    first = Env(app, tmp_path / "first")
    assert dataset.restore(first.data_dir, quick=True) is None  # nothing cached yet
    line = dataset.prepare(first, True, None)
    assert loaded == [("settings", True)] and after == [True]
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
    assert "restored" in line and loaded == [("settings", True)]  # nothing loaded again
    assert second.events == [] and after == [True, True]
    assert dataset.restore(tmp_path / "third", quick=False) is None  # the other size


def test_a_restored_data_set_is_cached_again_once_newer_migrations_ran(app, tmp_path, cache):
    dataset.prepare(Env(app, tmp_path / "first"), True, None)
    cached = dataset.cache_dir(True)
    (cached / "migration").write_text("0001\n")  # taken before the newest migration
    second = Env(app, tmp_path / "second")
    dataset.restore(second.data_dir, quick=True)
    (second.data_dir / "data" / "rows").write_text("the data set, migrated")
    line = dataset.prepare(second, True, 1.0)
    assert second.events == ["halt", "serve"] and "cached again" in line
    assert (cached / "migration").read_text().strip() == head(app)
    assert (cached / "data" / "rows").read_text() == "the data set, migrated"
    assert [p.name for p in cached.parent.iterdir()] == [cached.name]  # no leftovers

import multiprocessing
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from service.wechat.token_store import LockTimeout
from tests.wechat.helpers import make_client, make_store

WORKERS = 6


def in_an_hour() -> datetime:
    return datetime.now(UTC) + timedelta(hours=1)


def test_empty_store_has_no_token(store):
    assert store.get() is None


def test_set_then_get_returns_token_and_aware_expiry(store):
    expires = in_an_hour()
    store.set("tok-1", expires)

    token, expires_at = store.get()

    assert token == "tok-1"
    assert expires_at.tzinfo is not None
    assert abs((expires_at - expires).total_seconds()) < 1


def test_set_replaces_previous_token(store):
    store.set("tok-1", in_an_hour())
    store.set("tok-2", in_an_hour())

    assert store.get()[0] == "tok-2"


def test_drop_forgets_only_the_named_token(store):
    store.set("tok-new", in_an_hour())

    store.drop("tok-old")
    assert store.get()[0] == "tok-new"

    store.drop("tok-new")
    assert store.get() is None


def test_lock_excludes_a_second_holder_until_released(store):
    outcome = {}

    def contender():
        try:
            with store.lock(timeout=0.2):
                outcome["acquired"] = True
        except LockTimeout:
            outcome["acquired"] = False

    with store.lock(timeout=1):
        thread = threading.Thread(target=contender)
        thread.start()
        thread.join()
    assert outcome == {"acquired": False}

    with store.lock(timeout=1):
        pass


def test_expired_lease_frees_the_lock_and_stale_release_keeps_new_holder(store):
    stale = store.lock(timeout=1, lease=0.3)
    stale.__enter__()  # a holder that dies without releasing

    with store.lock(timeout=3, lease=10):
        stale.__exit__(None, None, None)  # the late release must not free our lock
        with pytest.raises(LockTimeout):
            with store.lock(timeout=0.2):
                pass


def _fetch_token_in_process(spec, appid, base_url, barrier, results):
    client = make_client(base_url, make_store(spec, appid))
    barrier.wait(timeout=30)
    results.put(client.access_token())


def test_processes_refreshing_at_once_call_stable_token_once(wechat_fake, store_spec):
    spec, appid = store_spec
    make_store(spec, appid)  # create the table before the workers race
    # Slow answers widen the window in which an unlocked refresh would be duplicated.
    wechat_fake.fault("/cgi-bin/stable_token", "delay", count=WORKERS, seconds=0.3)
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(WORKERS), ctx.Queue()
    workers = [
        ctx.Process(target=_fetch_token_in_process,
                    args=(spec, appid, wechat_fake.base_url, barrier, results))
        for _ in range(WORKERS)
    ]
    for worker in workers:
        worker.start()
    tokens = [results.get(timeout=30) for _ in workers]
    for worker in workers:
        worker.join(timeout=10)

    assert [worker.exitcode for worker in workers] == [0] * WORKERS
    assert len(set(tokens)) == 1
    assert wechat_fake.stable_token_calls == 1


def test_lock_wait_is_bounded(store):
    with store.lock(timeout=1):
        started = time.monotonic()
        with pytest.raises(LockTimeout):
            with store.lock(timeout=0.3):
                pass
        assert time.monotonic() - started < 1.5

import logging
import time
from datetime import UTC, datetime, timedelta

import pytest

from service.wechat.errors import AccessTokenInvalid, WeChatUnavailable
from service.wechat.token_store import SqlTokenStore
from tests.wechat.helpers import APPID, SECRET, make_client

PHONE_PATH = "/wxa/business/getuserphonenumber"
SEC_PATH = "/wxa/msg_sec_check"


def requests_to(wechat_fake, path):
    return wechat_fake.log()["counts"].get(path, 0)


# -- access token -----------------------------------------------------------------------

def test_token_is_cached_across_calls_and_clients(client, wechat_fake, sql_store):
    client.msg_sec_check("o-1", "hello")
    client.phone_number("phone-13900000001")
    make_client(wechat_fake.base_url, sql_store).msg_sec_check("o-1", "hello")

    assert wechat_fake.stable_token_calls == 1
    assert wechat_fake.log()["stable_token"] == [{"appid": APPID, "force_refresh": False}]


def test_token_near_expiry_is_refreshed(client, wechat_fake, sql_store):
    sql_store.set("fake-token-old", datetime.now(UTC) + timedelta(seconds=100))

    client.msg_sec_check("o-1", "hello")

    assert wechat_fake.stable_token_calls == 1
    assert sql_store.get()[0] != "fake-token-old"


@pytest.mark.parametrize("errcode", [40001, 42001])
def test_rejected_token_is_dropped_refetched_once_and_call_retried(client, wechat_fake, errcode):
    client.msg_sec_check("o-1", "hello")
    wechat_fake.expire_tokens(errcode)

    assert client.msg_sec_check("o-1", "hello")["suggest"] == "pass"
    assert wechat_fake.stable_token_calls == 2
    assert requests_to(wechat_fake, SEC_PATH) == 3


class StuckStore(SqlTokenStore):
    """A store that cannot forget its token, so every fetch returns the stale one."""

    def drop(self, token):
        pass


def test_token_retry_happens_once_never_loops(wechat_fake, sql_store):
    store = StuckStore(sql_store.engine, APPID)
    store.set("revoked-token", datetime.now(UTC) + timedelta(hours=1))
    client = make_client(wechat_fake.base_url, store)

    with pytest.raises(AccessTokenInvalid) as caught:
        client.msg_sec_check("o-1", "hello")
    assert caught.value.errcode == 40001
    assert requests_to(wechat_fake, SEC_PATH) == 2


def test_lock_timeout_without_token_is_unavailable(wechat_fake, sql_store):
    client = make_client(wechat_fake.base_url, sql_store, lock_wait=0.2)

    with sql_store.lock(timeout=1), pytest.raises(WeChatUnavailable):
        client.access_token()
    assert wechat_fake.stable_token_calls == 0


def test_lock_timeout_falls_back_to_unexpired_token(wechat_fake, sql_store):
    client = make_client(wechat_fake.base_url, sql_store, lock_wait=0.2)
    sql_store.set("fake-token-soon", datetime.now(UTC) + timedelta(seconds=100))

    with sql_store.lock(timeout=1):
        assert client.access_token() == "fake-token-soon"
    assert wechat_fake.stable_token_calls == 0


# -- faults -----------------------------------------------------------------------------

def test_timeout_is_unavailable_quickly(wechat_fake, sql_store):
    client = make_client(wechat_fake.base_url, sql_store, timeout=(0.5, 0.3))
    wechat_fake.fault("/sns/jscode2session", "timeout", seconds=1.5)

    started = time.monotonic()
    with pytest.raises(WeChatUnavailable) as caught:
        client.code2session("user-erin-1")
    assert time.monotonic() - started < 1.0
    assert caught.value.errcode is None


@pytest.mark.parametrize(("mode", "errcode"), [("http500", None), ("busy", -1)])
def test_server_errors_are_unavailable_and_count_limited(client, wechat_fake, mode, errcode):
    wechat_fake.fault(PHONE_PATH, mode, count=1)

    with pytest.raises(WeChatUnavailable) as caught:
        client.phone_number("phone-13900000002")
    assert caught.value.errcode == errcode
    assert client.phone_number("phone-13900000003")["pure_phone_number"] == "13900000003"


def test_failed_token_fetch_caches_nothing(client, wechat_fake, sql_store):
    wechat_fake.fault("/cgi-bin/stable_token", "busy")

    with pytest.raises(WeChatUnavailable):
        client.msg_sec_check("o-1", "hello")
    assert sql_store.get() is None


# -- secrets ----------------------------------------------------------------------------

def test_secrets_stay_out_of_errors_and_logs(client, wechat_fake, sql_store, caplog):
    caplog.set_level(logging.DEBUG, logger="service.wechat")
    session = client.code2session("user-frank-1")
    phone = client.phone_number("phone-13912345678")["pure_phone_number"]
    token = sql_store.get()[0]
    wechat_fake.fault("/sns/jscode2session", "http500")
    with pytest.raises(WeChatUnavailable) as http_error:
        client.code2session("user-frank-2")
    wechat_fake.fault("/cgi-bin/stable_token", "timeout", seconds=1.5)
    sql_store.drop(token)
    with pytest.raises(WeChatUnavailable) as timeout_error:
        make_client(wechat_fake.base_url, sql_store, timeout=(0.5, 0.2)).access_token()

    texts = [str(http_error.value), str(timeout_error.value), repr(client)]
    texts += [record.getMessage() for record in caplog.records]
    assert caplog.records  # debug logging did happen
    for secret in (SECRET, session["session_key"], phone, token):
        assert not any(secret in text for text in texts)
    assert timeout_error.value.__context__ is None

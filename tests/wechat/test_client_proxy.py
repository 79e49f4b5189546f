"""The WeChat client goes through the proxy the environment names (a host that reaches the
internet only through one), read once when the client is made."""

from tests.wechat.helpers import make_client

WECHAT = "http://api.weixin.invalid"  # reachable only through the proxy


def test_a_proxy_in_the_environment_carries_the_calls(monkeypatch, wechat_fake, sql_store):
    monkeypatch.setenv("HTTP_PROXY", wechat_fake.base_url)  # the fake answers as the proxy
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client = make_client(WECHAT, sql_store)
    for n in (1, 2):
        assert client.code2session(f"user-proxied-{n}")["openid"]
    assert wechat_fake.log()["counts"].get("/sns/jscode2session") == 2


def test_an_address_the_environment_exempts_is_called_directly(monkeypatch, wechat_fake,
                                                               sql_store):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    client = make_client(wechat_fake.base_url, sql_store)
    assert client.code2session("user-direct-1")["openid"]

import pytest
import requests

from service.wechat.client import WeChatClient
from service.wechat.errors import InvalidCode, UserNotSubscribed, WeChatError
from tests.wechat.helpers import APPID

# -- code2session -----------------------------------------------------------------------

def test_code2session_maps_user_codes_to_one_openid(client):
    first = client.code2session("user-alice-1")
    second = client.code2session("user-alice-2")

    assert first["openid"] == second["openid"]
    assert first["openid"].startswith("o") and len(first["openid"]) == 28
    assert first["unionid"] == second["unionid"] is not None
    assert first["session_key"] and first["session_key"] != second["session_key"]
    assert client.code2session("user-bob-1")["openid"] != first["openid"]


def test_code2session_without_unionid(client):
    assert client.code2session("some-plain-code")["unionid"] is None


@pytest.mark.parametrize("code", ["bad", "invalid-123"])
def test_code2session_invalid_code(client, code):
    with pytest.raises(InvalidCode) as caught:
        client.code2session(code)
    assert caught.value.errcode == 40029


def test_code2session_code_used_twice(client):
    client.code2session("user-carol-1")

    with pytest.raises(InvalidCode) as caught:
        client.code2session("user-carol-1")
    assert caught.value.errcode == 40163


def test_code2session_bad_secret_keeps_errcode(wechat_fake, sql_store):
    client = WeChatClient(APPID, "bad-secret", wechat_fake.base_url, sql_store, timeout=(0.5, 1.0))

    with pytest.raises(WeChatError) as caught:
        client.code2session("user-dave-1")
    assert type(caught.value) is WeChatError
    assert caught.value.errcode == 40125


# -- phone number -----------------------------------------------------------------------

def test_phone_number_from_phone_code(client):
    assert client.phone_number("phone-13912345678") == {
        "phone_number": "13912345678", "pure_phone_number": "13912345678",
        "country_code": "86"}


def test_phone_number_is_stable_for_other_codes(client):
    phone = client.phone_number("anything-1")["pure_phone_number"]

    assert len(phone) == 11 and phone.startswith("138")


def test_phone_number_invalid_or_reused_code(client):
    with pytest.raises(InvalidCode) as caught:
        client.phone_number("bad")
    assert caught.value.errcode == 40029

    client.phone_number("phone-13912345678-a")
    with pytest.raises(InvalidCode):
        client.phone_number("phone-13912345678-a")


# -- mini-program code ------------------------------------------------------------------

def test_wxacode_returns_png_bytes(client):
    image = client.wxacode_unlimited("j=Ab3dE9", page="pages/join/index")

    assert image.startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize("scene", ["", "x" * 33, "中文", "a b", "a%20b"])
def test_wxacode_rejects_bad_scene_before_calling(client, wechat_fake, scene):
    with pytest.raises(ValueError):
        client.wxacode_unlimited(scene)
    assert wechat_fake.log()["requests"] == []


def test_wxacode_accepts_all_allowed_scene_characters(client):
    assert client.wxacode_unlimited("!#$&'()*+,/:;=?@._~-aZ09").startswith(b"\x89PNG")


def test_wxacode_invalid_page_keeps_errcode(client):
    with pytest.raises(WeChatError) as caught:
        client.wxacode_unlimited("j=1", page="/pages/join/index?x=1")
    assert caught.value.errcode == 41030


# -- subscribe messages -----------------------------------------------------------------

def test_subscribe_message_is_delivered(client, wechat_fake):
    client.send_subscribe_message("o-member-1", "tpl-join", {"thing1": "入会申请", "date2":
                                  "2024年5月1日"}, page="pages/me/index")

    assert wechat_fake.messages == [{
        "openid": "o-member-1", "template_id": "tpl-join", "page": "pages/me/index",
        "miniprogram_state": None,
        "data": {"thing1": {"value": "入会申请"}, "date2": {"value": "2024年5月1日"}}}]


def test_long_thing_value_is_cut_so_wechat_accepts_it(client, wechat_fake):
    long_text = "您的入会申请已经通过审核，欢迎加入市总工会大家庭，请及时领取电子会员卡"

    client.send_subscribe_message("o-member-1", "tpl-join", {"thing1": long_text})

    sent = wechat_fake.messages[0]["data"]["thing1"]["value"]
    assert len(sent) == 20 and sent.endswith("…") and long_text.startswith(sent[:-1])


def test_fake_rejects_overlong_thing_like_wechat(client, wechat_fake):
    token = client.access_token()
    answer = requests.post(
        f"{wechat_fake.base_url}/cgi-bin/message/subscribe/send", params={"access_token": token},
        json={"touser": "o-1", "template_id": "t", "data": {"thing1": {"value": "长" * 21}}},
        timeout=2,
    ).json()

    assert answer["errcode"] == 47003
    assert "thing1" in answer["errmsg"]


def test_subscribe_refused_by_nosub_user(client):
    with pytest.raises(UserNotSubscribed) as caught:
        client.send_subscribe_message("o-nosub-1", "tpl-join", {"thing1": "x"})
    assert caught.value.errcode == 43101


def test_subscribe_refused_after_unsubscribe(client, wechat_fake):
    wechat_fake.unsubscribe("o-member-2")

    with pytest.raises(UserNotSubscribed):
        client.send_subscribe_message("o-member-2", "tpl-join", {"thing1": "x"})
    assert wechat_fake.messages == []


# -- content check ----------------------------------------------------------------------

@pytest.mark.parametrize(("content", "suggest", "label"), [
    ("驿站的热水很方便，谢谢", "pass", 100),
    ("这里有人组织赌博", "risky", 20006),
    ("please wechat_fake-review this", "review", 21000),
])
def test_msg_sec_check(client, content, suggest, label):
    result = client.msg_sec_check("o-member-1", content)

    assert (result["suggest"], result["label"]) == (suggest, label)
    assert result["trace_id"]

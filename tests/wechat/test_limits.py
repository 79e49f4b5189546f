import pytest

from service.wechat.errors import (
    AccessTokenInvalid,
    InvalidCode,
    UserNotSubscribed,
    WeChatError,
    WeChatUnavailable,
    error_for,
)
from service.wechat.limits import truncate_subscribe_value, validate_scene


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("thing1", "短文本", "短文本"),
    ("thing2", "一" * 25, "一" * 19 + "…"),
    ("character_string3", "A" * 40, "A" * 32),
    ("number4", "1" * 40, "1" * 32),
    ("letter5", "b" * 40, "b" * 32),
    ("symbol6", "!" * 8, "!" * 5),
    ("phrase7", "审核已经通过了", "审核已经通"),
    ("name8", "欧阳" * 6, "欧阳" * 5),
    ("name9", "Alexander Hamilton-Burr", "Alexander Hamilton-B"),
    ("phone_number10", "+86-0766-66888866-123", "+86-0766-66888866"),
    ("car_number11", "粤A8Z888挂X", "粤A8Z888挂"),
    ("time12", "2024年5月1日 15:01~2024年5月2日 15:01", "2024年5月1日 15:01~2024年5月2日 15:01"),
    ("date13", "2024年5月1日" * 5, "2024年5月1日" * 5),
])
def test_truncate_subscribe_value(key, value, expected):
    assert truncate_subscribe_value(key, value) == expected


def test_truncate_converts_non_strings():
    assert truncate_subscribe_value("number1", 42) == "42"


@pytest.mark.parametrize("scene", ["a", "x" * 32, "org=12&ch=3", "!#$&'()*+,/:;=?@._~-"])
def test_valid_scenes(scene):
    assert validate_scene(scene) == scene


@pytest.mark.parametrize("scene", ["", "x" * 33, "会员", "a b", "100%", None])
def test_invalid_scenes(scene):
    with pytest.raises(ValueError):
        validate_scene(scene)


@pytest.mark.parametrize(("errcode", "cls"), [
    (-1, WeChatUnavailable), (40029, InvalidCode), (40163, InvalidCode),
    (40001, AccessTokenInvalid), (42001, AccessTokenInvalid), (40014, AccessTokenInvalid),
    (43101, UserNotSubscribed), (40125, WeChatError), (None, WeChatError),
])
def test_error_for_maps_codes_and_keeps_them(errcode, cls):
    error = error_for(errcode, "message from wechat")

    assert type(error) is cls
    assert (error.errcode, error.errmsg) == (errcode, "message from wechat")

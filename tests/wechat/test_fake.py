import select
import struct
import subprocess
import sys
import zlib

import requests

from service.wechat.fake.state import tiny_png


def post(wechat_fake, path, body=None, **params):
    return requests.post(wechat_fake.base_url + path, json=body or {}, params=params, timeout=2)


def stable_token(wechat_fake, appid="wx-a", secret="s", force_refresh=False):
    return post(wechat_fake, "/cgi-bin/stable_token", {
        "grant_type": "client_credential", "appid": appid, "secret": secret,
        "force_refresh": force_refresh}).json()


def test_png_is_well_formed():
    png = tiny_png("scene")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    offset, chunks = 8, {}
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset:offset + 4])
        kind, data = png[offset + 4:offset + 8], png[offset + 8:offset + 8 + length]
        (crc,) = struct.unpack(">I", png[offset + 8 + length:offset + 12 + length])
        assert crc == zlib.crc32(kind + data)
        chunks[kind] = data
        offset += 12 + length
    width, height = struct.unpack(">II", chunks[b"IHDR"][:8])
    assert len(zlib.decompress(chunks[b"IDAT"])) == height * (width + 1)
    assert b"IEND" in chunks


def test_stable_token_is_stable_until_forced(wechat_fake):
    first = stable_token(wechat_fake)
    assert first["expires_in"] == 7200
    assert stable_token(wechat_fake)["access_token"] == first["access_token"]

    forced = stable_token(wechat_fake, force_refresh=True)["access_token"]
    assert forced != first["access_token"]
    old = post(wechat_fake, "/wxa/msg_sec_check", {"version": 2, "openid": "o", "scene": 2,
                                            "content": "x"}, access_token=first["access_token"])
    assert old.json()["errcode"] == 40001


def test_stable_token_credential_errors(wechat_fake):
    assert stable_token(wechat_fake, appid="")["errcode"] == 40013
    assert stable_token(wechat_fake, secret="bad-secret")["errcode"] == 40125


def test_business_calls_need_a_token(wechat_fake):
    answer = post(wechat_fake, "/wxa/msg_sec_check", {"version": 2, "openid": "o", "scene": 2,
                                               "content": "x"}).json()
    assert answer["errcode"] == 41001


def test_control_endpoints_over_http(wechat_fake):
    token = stable_token(wechat_fake)["access_token"]
    assert post(wechat_fake, "/__fake__/unsubscribe", {"openid": "o-x"}).json()["errcode"] == 0
    sent = post(wechat_fake, "/cgi-bin/message/subscribe/send", {
        "touser": "o-x", "template_id": "t", "data": {"thing1": {"value": "x"}}},
        access_token=token).json()
    assert sent["errcode"] == 43101

    assert post(wechat_fake, "/__fake__/faults", {"path": "/x", "mode": "nope"}).status_code == 400
    post(wechat_fake, "/__fake__/faults",
         {"path": "/wxa/msg_sec_check", "mode": "busy", "count": 2})
    post(wechat_fake, "/__fake__/expire-tokens")
    log = requests.get(wechat_fake.base_url + "/__fake__/log", timeout=2).json()
    assert log["stable_token_calls"] == 1
    assert log["counts"] == {"/cgi-bin/stable_token": 1, "/cgi-bin/message/subscribe/send": 1}

    post(wechat_fake, "/__fake__/reset")
    log = requests.get(wechat_fake.base_url + "/__fake__/log", timeout=2).json()
    assert log == {"requests": [], "counts": {}, "stable_token_calls": 0, "stable_token": [],
                   "messages": []}


def test_runs_from_the_command_line():
    proc = subprocess.Popen(
        [sys.executable, "-m", "service.wechat.fake", "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 15)
        assert ready, "the wechat_fake did not announce its address"
        base_url = proc.stdout.readline().split()[-1]
        assert requests.get(base_url + "/__fake__/log", timeout=2).json()["counts"] == {}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_phone_number_watermark_names_the_app(wechat_fake):
    token = stable_token(wechat_fake, appid="wx-union")["access_token"]
    info = post(wechat_fake, "/wxa/business/getuserphonenumber", {"code": "phone-13700000000"},
                access_token=token).json()["phone_info"]

    assert info["purePhoneNumber"] == "13700000000"
    assert info["watermark"]["appid"] == "wx-union"

"""The WeChat API endpoints of the fake server, with WeChat's paths, shapes and errcodes."""

import base64
import json
import os
import re
import time

from flask import Flask, Response, request

from service.wechat.fake.state import (
    FakeState,
    fake_openid,
    fake_phone,
    fake_unionid,
    subscribe_data_error,
    tiny_png,
    user_key_of,
)

SCENE = re.compile(r"[0-9A-Za-z!#$&'()*+,/:;=?@._~-]{1,32}")
PAGE = re.compile(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_.-]+)*")
RISKY_WORDS = {"赌博": 20006, "毒品": 20006, "fake-risky": 20006}


def json_answer(payload: dict, content_type: str = "application/json; encoding=utf-8") -> Response:
    """An HTTP 200 JSON answer, as WeChat sends even for errors."""
    return Response(json.dumps(payload, ensure_ascii=False), 200, content_type=content_type)


def error_answer(errcode: int, errmsg: str) -> Response:
    """WeChat's `{"errcode", "errmsg"}` answer."""
    return json_answer({"errcode": errcode, "errmsg": errmsg})


def _credentials_error(appid: str | None, secret: str | None) -> Response | None:
    if not appid:
        return error_answer(40013, "invalid appid")
    if not secret or secret == "bad-secret":
        return error_answer(40125, "invalid appsecret")
    return None


def _token_error(state: FakeState) -> Response | None:
    errcode = state.token_errcode(request.args.get("access_token"))
    messages = {41001: "access_token missing", 42001: "access_token expired",
                40001: "invalid credential, access_token is invalid or not latest"}
    return error_answer(errcode, messages[errcode]) if errcode else None


def _bad_code(code: str) -> bool:
    return not code or code == "bad" or code.startswith("invalid")


def register_wechat_routes(app: Flask, state: FakeState) -> None:
    """Add the imitated WeChat endpoints to `app`."""

    @app.get("/sns/jscode2session")
    def jscode2session():
        args = request.args
        failure = _credentials_error(args.get("appid"), args.get("secret"))
        if failure:
            return failure
        code = args.get("js_code", "")
        if _bad_code(code):
            return error_answer(40029, "invalid code")
        if not state.use_code("login", code):
            return error_answer(40163, "code been used")
        user, named = user_key_of(code)
        body = {"openid": fake_openid(args["appid"], user),
                "session_key": base64.b64encode(os.urandom(16)).decode()}
        if named:
            body["unionid"] = fake_unionid(user)
        # WeChat labels this JSON answer text/plain.
        return json_answer(body, content_type="text/plain")

    @app.post("/cgi-bin/stable_token")
    def stable_token():
        body = request.get_json(silent=True) or {}
        if body.get("grant_type") != "client_credential":
            return error_answer(40002, "invalid grant_type")
        failure = _credentials_error(body.get("appid"), body.get("secret"))
        if failure:
            return failure
        token, expires_in = state.issue_token(body["appid"], bool(body.get("force_refresh")))
        return json_answer({"access_token": token, "expires_in": expires_in})

    @app.post("/wxa/business/getuserphonenumber")
    def getuserphonenumber():
        failure = _token_error(state)
        if failure:
            return failure
        code = (request.get_json(silent=True) or {}).get("code") or ""
        if _bad_code(code) or not state.use_code("phone", code):
            return error_answer(40029, "invalid code")
        phone = fake_phone(code)
        return json_answer({"errcode": 0, "errmsg": "ok", "phone_info": {
            "phoneNumber": phone, "purePhoneNumber": phone, "countryCode": "86",
            "watermark": {"timestamp": int(time.time()),
                          "appid": state.token_appid(request.args["access_token"])}}})

    @app.post("/wxa/getwxacodeunlimit")
    def getwxacodeunlimit():
        failure = _token_error(state)
        if failure:
            return failure
        body = request.get_json(silent=True) or {}
        scene = body.get("scene")
        if not isinstance(scene, str) or not SCENE.fullmatch(scene):
            return error_answer(40169, "invalid length for scene, or the data is not json string")
        page = body.get("page")
        if page is not None and not (isinstance(page, str) and PAGE.fullmatch(page)):
            return error_answer(41030, "invalid page")
        if body.get("env_version", "release") not in ("release", "trial", "develop"):
            return error_answer(40097, "invalid args")
        return Response(tiny_png(scene), 200, content_type="image/png")

    @app.post("/cgi-bin/message/subscribe/send")
    def subscribe_send():
        failure = _token_error(state)
        if failure:
            return failure
        body = request.get_json(silent=True) or {}
        openid, template_id = body.get("touser"), body.get("template_id")
        if not openid:
            return error_answer(40003, "invalid openid")
        if not template_id:
            return error_answer(40037, "invalid template id")
        data_error = subscribe_data_error(body.get("data"))
        if data_error:
            return error_answer(47003, data_error)
        if state.is_unsubscribed(openid):
            return error_answer(43101, "user refuse to accept the msg")
        state.record_message({"openid": openid, "template_id": template_id,
                              "data": body["data"], "page": body.get("page"),
                              "miniprogram_state": body.get("miniprogram_state")})
        return error_answer(0, "ok")

    @app.post("/wxa/msg_sec_check")
    def msg_sec_check():
        failure = _token_error(state)
        if failure:
            return failure
        body = request.get_json(silent=True) or {}
        if str(body.get("version")) != "2" or body.get("scene") not in (1, 2, 3, 4):
            return error_answer(40097, "invalid args")
        if not body.get("openid"):
            return error_answer(40003, "invalid openid")
        content = str(body.get("content") or "")
        hit = next((word for word in RISKY_WORDS if word in content), None)
        if hit:
            suggest, label = "risky", RISKY_WORDS[hit]
        elif "fake-review" in content:
            suggest, label = "review", 21000
        else:
            suggest, label = "pass", 100
        detail = [{"strategy": "content_model", "errcode": 0, "suggest": suggest,
                   "label": label, "prob": 90 if hit else 0}]
        if hit:
            detail.append({"strategy": "keyword", "errcode": 0, "suggest": suggest,
                           "label": label, "level": 90, "keyword": hit})
        return json_answer({"errcode": 0, "errmsg": "ok", "result": {"suggest": suggest,
                      "label": label}, "detail": detail, "trace_id": os.urandom(8).hex()})


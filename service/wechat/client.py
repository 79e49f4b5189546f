"""A thin client for the WeChat mini-program server API."""

import json
import logging
import os
from datetime import timedelta

import requests

from service.core import clock
from service.core.metrics import WECHAT_CALLS
from service.wechat.errors import (
    AccessTokenInvalid,
    WeChatError,
    WeChatUnavailable,
    error_for,
)
from service.wechat.limits import truncate_subscribe_value, validate_scene
from service.wechat.token_store import LockTimeout, TokenStore

__all__ = ["WeChatClient", "truncate_subscribe_value"]

log = logging.getLogger(__name__)

# Refresh this long before WeChat's expiry; the stable token stays valid 5 minutes
# past a renewal, so callers never hold a token that dies mid-request.
TOKEN_SAFETY_MARGIN = timedelta(seconds=300)


class WeChatClient:
    """Calls WeChat over HTTP; the access token is shared through `token_store`."""

    def __init__(
        self,
        appid: str,
        secret: str,
        api_base: str,
        token_store: TokenStore,
        timeout: float | tuple[float, float] = (3.05, 10),
        session: requests.Session | None = None,
        *,
        lock_wait: float | None = None,
    ):
        self.appid = appid
        self._secret = secret
        self.api_base = api_base.rstrip("/")
        self.token_store = token_store
        self.timeout = timeout
        self.session = session or session_for(self.api_base)
        total = sum(timeout) if isinstance(timeout, tuple) else 2 * timeout
        # Wait long enough for another process's refresh to finish its own HTTP call.
        self.lock_wait = lock_wait if lock_wait is not None else total + 1.0
        self.lock_lease = max(2 * (total + 1.0), 30.0)

    def __repr__(self) -> str:
        return f"WeChatClient(appid={self.appid!r}, api_base={self.api_base!r})"

    # -- login and token --------------------------------------------------------------

    def code2session(self, js_code: str) -> dict:
        """Exchange a wx.login code for {"openid", "unionid" (or None), "session_key"}."""
        body = self._call(
            "code2session", "GET", "/sns/jscode2session",
            params={"appid": self.appid, "secret": self._secret, "js_code": js_code,
                    "grant_type": "authorization_code"},
        )
        if not body.get("openid") or not body.get("session_key"):
            raise WeChatError(None, "code2session: incomplete response")
        return {"openid": body["openid"], "unionid": body.get("unionid"),
                "session_key": body["session_key"]}

    def access_token(self) -> str:
        """Return a valid access token, refreshing it under the shared lock if needed."""
        token = self._cached_token(TOKEN_SAFETY_MARGIN)
        if token:
            return token
        try:
            with self.token_store.lock(timeout=self.lock_wait, lease=self.lock_lease):
                # Another process may have refreshed it while we waited for the lock.
                return self._cached_token(TOKEN_SAFETY_MARGIN) or self._fetch_token()
        except LockTimeout:
            pass
        token = self._cached_token(timedelta(0))
        if token:
            return token
        raise WeChatUnavailable(None, "access token refresh timed out")

    def _cached_token(self, margin: timedelta) -> str | None:
        cached = self.token_store.get()
        if cached and cached[1] - margin > clock.now():
            return cached[0]
        return None

    def _fetch_token(self) -> str:
        body = self._call(
            "stable_token", "POST", "/cgi-bin/stable_token",
            json_body={"grant_type": "client_credential", "appid": self.appid,
                       "secret": self._secret, "force_refresh": False},
        )
        token, expires_in = body.get("access_token"), body.get("expires_in")
        if not token or not isinstance(expires_in, int):
            raise WeChatError(None, "stable_token: incomplete response")
        self.token_store.set(token, clock.now() + timedelta(seconds=expires_in))
        return token

    # -- business calls ---------------------------------------------------------------

    def phone_number(self, code: str) -> dict:
        """Exchange a getPhoneNumber code for the user's phone number fields."""
        body = self._call_with_token("phone_number", "/wxa/business/getuserphonenumber",
                                     {"code": code})
        info = body.get("phone_info") or {}
        if not info.get("purePhoneNumber"):
            raise WeChatError(None, "phone_number: incomplete response")
        return {"phone_number": info.get("phoneNumber"),
                "pure_phone_number": info["purePhoneNumber"],
                "country_code": info.get("countryCode")}

    def wxacode_unlimited(
        self,
        scene: str,
        page: str | None = None,
        width: int = 430,
        check_path: bool = False,
        env_version: str = "release",
    ) -> bytes:
        """Return the image bytes of an unlimited mini-program code for `scene`."""
        payload = {"scene": validate_scene(scene), "width": width, "check_path": check_path,
                   "env_version": env_version}
        if page is not None:
            payload["page"] = page
        return self._call_with_token("wxacode_unlimited", "/wxa/getwxacodeunlimit", payload,
                                     image=True)

    def send_subscribe_message(
        self,
        openid: str,
        template_id: str,
        data: dict[str, str],
        page: str | None = None,
        miniprogram_state: str | None = None,
    ) -> None:
        """Send a subscribe message; values are cut to WeChat's limits for their key type."""
        payload = {
            "touser": openid,
            "template_id": template_id,
            "data": {key: {"value": truncate_subscribe_value(key, value)}
                     for key, value in data.items()},
            "lang": "zh_CN",
        }
        if page is not None:
            payload["page"] = page
        if miniprogram_state is not None:
            payload["miniprogram_state"] = miniprogram_state
        self._call_with_token("send_subscribe_message", "/cgi-bin/message/subscribe/send",
                              payload)

    def msg_sec_check(self, openid: str, content: str, scene: int = 2) -> dict:
        """Check user text; returns {"suggest": "pass"|"review"|"risky", "label", "trace_id"}."""
        body = self._call_with_token(
            "msg_sec_check", "/wxa/msg_sec_check",
            {"version": 2, "openid": openid, "scene": scene, "content": content},
        )
        result = body.get("result") or {}
        if result.get("suggest") not in ("pass", "review", "risky"):
            raise WeChatError(None, "msg_sec_check: incomplete response")
        return {"suggest": result["suggest"], "label": result.get("label"),
                "trace_id": body.get("trace_id")}

    # -- transport --------------------------------------------------------------------

    def _call_with_token(self, name: str, path: str, payload: dict, image: bool = False):
        token = self.access_token()
        try:
            return self._call(name, "POST", path, params={"access_token": token},
                              json_body=payload, image=image)
        except AccessTokenInvalid:
            # The cached token died early (revoked or replaced): refetch and retry once.
            self.token_store.drop(token)
        token = self.access_token()
        return self._call(name, "POST", path, params={"access_token": token},
                          json_body=payload, image=image)

    def _call(self, name, method, path, **kwargs):
        outcome = "ok"
        try:
            return self._send(name, method, path, **kwargs)
        except WeChatUnavailable:
            outcome = "unavailable"
            raise
        except WeChatError as exc:
            outcome = f"errcode_{exc.errcode}" if exc.errcode is not None else "refused"
            raise
        finally:
            WECHAT_CALLS.labels(name, outcome).inc()

    def _send(self, name, method, path, *, params=None, json_body=None, image=False):
        failure = None
        try:
            resp = self.session.request(method, self.api_base + path, params=params,
                                        json=json_body, timeout=self.timeout)
        except requests.RequestException as exc:
            # Built outside the except block: the original carries the URL with secrets.
            failure = f"{name}: {type(exc).__name__}"
        if failure:
            log.debug("wechat %s failed: network", name)
            raise WeChatUnavailable(None, failure)
        if resp.status_code >= 500:
            log.debug("wechat %s failed: HTTP %s", name, resp.status_code)
            raise WeChatUnavailable(None, f"{name}: HTTP {resp.status_code}")
        if resp.status_code != 200:
            log.debug("wechat %s failed: HTTP %s", name, resp.status_code)
            raise WeChatError(None, f"{name}: HTTP {resp.status_code}")
        if image and resp.headers.get("Content-Type", "").startswith("image/"):
            log.debug("wechat %s errcode=0", name)
            return resp.content
        body = _json_body(resp.content)
        if body is None:
            raise WeChatUnavailable(None, f"{name}: response is not JSON")
        errcode = body.get("errcode") or 0
        log.debug("wechat %s errcode=%s", name, errcode)
        if errcode != 0:
            raise error_for(errcode, str(body.get("errmsg", "")))
        if image:
            raise WeChatError(None, f"{name}: no image in response")
        return body


def session_for(api_base: str) -> requests.Session:
    """A keep-alive session with the environment's proxy and CA bundle for `api_base`, read
    once: left to itself requests reads them (os.environ, twice, and ~/.netrc) on every call,
    a third of a call's CPU."""
    session = requests.Session()
    session.proxies.update(requests.utils.get_environ_proxies(api_base))
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        session.verify = bundle
    session.trust_env = False
    return session


def _json_body(content: bytes) -> dict | None:
    # WeChat labels some JSON answers text/plain, so the body decides, not the header.
    try:
        body = json.loads(content)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


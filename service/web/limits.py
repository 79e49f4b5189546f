"""Rate limits read from the config at request time (Redis-backed when REDIS_URL is set).

Every limit is keyed by `client_address()` unless it says otherwise: the client as seen
through the trusted proxies (TRUSTED_PROXIES), never the nginx in front of us.
"""

from flask import current_app, g, request

from service.core.proxies import client_address
from service.domain.search_terms import exact_lookup
from service.extensions import limiter
from service.web.principal import principal_label


def login_limit() -> str:
    """For staff sign-in, per client address."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def submit_limit() -> str:
    """For creating submissions (applications, feedback) per client address."""
    return current_app.config["SUBMIT_RATE_LIMIT"]


def submitter_key() -> str:
    """Per account when signed in: riders at one event often share a carrier NAT address."""
    return principal_label() or client_address()


def limit_submissions(view):
    """The submission limit on a view's POSTs, counted per account."""
    return limiter.limit(submit_limit, key_func=submitter_key, methods=["POST"])(view)


def exact_lookup_limit() -> str:
    """For searches by a full ID number or phone, per staff account (EXACT_LOOKUP_LIMIT)."""
    return current_app.config["EXACT_LOOKUP_LIMIT"]


def _not_an_exact_lookup() -> bool:
    return exact_lookup(request.args.get("q")) is None


# One count per staff account across every list that searches by number; names are free.
limit_exact_lookups = limiter.shared_limit(
    exact_lookup_limit, scope="exact_lookup", key_func=submitter_key,
    exempt_when=_not_an_exact_lookup,
    error_message="按完整身份证号码或手机号码查询的次数已达上限，请稍后再试；按姓名查询不受影响")
def _login_code() -> str:
    body = request.get_json(silent=True)
    code = body.get("code") if isinstance(body, dict) else None
    return code[:128] if isinstance(code, str) else ""


def _config_limit(name: str):
    return lambda: current_app.config[name]


def limit_wechat_login(view):
    """Before WeChat is asked: a ceiling per client address (high: a sign-up event of
    hundreds shares one Wi-Fi) and a limit per wx.login code."""
    view = limiter.limit(_config_limit("WECHAT_LOGIN_ADDRESS_LIMIT"),
                         scope="wechat-login-address")(view)
    return limiter.limit(_config_limit("WECHAT_LOGIN_CODE_LIMIT"), scope="wechat-login-code",
                         key_func=lambda: f"code:{_login_code()}",
                         exempt_when=lambda: not _login_code())(view)


def count_wechat_account_login(openid: str) -> None:
    """Count one login of the account `openid` once WeChat named it; 429 when spent."""
    # The limiter keeps this limit per code location, shared by threads: the account it
    # counts is therefore read from the request's own `g`, never captured here.
    g.wechat_login_openid = openid
    with limiter.limit(_config_limit("WECHAT_LOGIN_ACCOUNT_LIMIT"), scope="wechat-login-account",
                       key_func=lambda: f"openid:{g.wechat_login_openid}"):
        pass
def registration_limit() -> str:
    """For registering enterprises, per account."""
    return current_app.config["ENTERPRISE_RATE_LIMIT"]


def limit_registrations(view):
    """The registration limit on a view's POSTs, counted per account."""
    return limiter.limit(registration_limit, key_func=submitter_key, methods=["POST"])(view)

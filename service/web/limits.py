"""Rate limits read from the config at request time (Redis-backed when REDIS_URL is set)."""

from flask import current_app, request
from flask_limiter.util import get_remote_address

from service.extensions import limiter
from service.identity.auth import principal_label
from service.identity.lookups import exact_lookup


def login_limit() -> str:
    """For sign-in endpoints, per client address and per account."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def submit_limit() -> str:
    """For creating submissions (applications, feedback) per client address."""
    return current_app.config["SUBMIT_RATE_LIMIT"]


def submitter_key() -> str:
    """Per account when signed in: riders at one event often share a carrier NAT address."""
    return principal_label() or get_remote_address()


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

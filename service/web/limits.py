"""Rate limits read from the config at request time (Redis-backed when REDIS_URL is set)."""

from flask import current_app
from flask_limiter.util import get_remote_address

from service.extensions import limiter
from service.web.principal import principal_label


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

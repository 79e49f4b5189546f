"""Rate limits read from the config at request time (Redis-backed when REDIS_URL is set)."""

from flask import current_app


def login_limit() -> str:
    """For sign-in endpoints, per client address and per account."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def submit_limit() -> str:
    """For creating submissions (applications, feedback) per client address."""
    return current_app.config["SUBMIT_RATE_LIMIT"]

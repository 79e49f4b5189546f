"""The client's address behind reverse proxies: X-Forwarded-For, trusted only from our hops.

`TRUSTED_PROXIES` is either a count of proxy hops in front of the app (`1`: the loopback
nginx of deploy/) or a comma-separated list of proxy addresses / CIDRs. `0`, the default,
trusts no header: the peer's address is the client's. X-Forwarded-For is read from the right;
every hop a trusted proxy appended is skipped, so whatever a client writes into the header
itself is never believed. The limiter, the audit log and the access log all ask
`client_address()`.
"""

import ipaddress

from flask import Flask, has_request_context, request
from werkzeug.middleware.proxy_fix import ProxyFix

from service.config import ConfigError

Networks = tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
MAX_HOPS = 10


def parse_trusted_proxies(value) -> int | Networks:
    """A hop count or the trusted networks; ConfigError naming the setting otherwise."""
    text = "0" if value is None else str(value).strip()
    if text.isascii() and text.isdigit() and not isinstance(value, bool):
        if int(text) > MAX_HOPS:
            raise ConfigError(f"TRUSTED_PROXIES: at most {MAX_HOPS} proxy hops, not {text}")
        return int(text)
    networks = []
    for item in text.split(","):
        try:
            networks.append(ipaddress.ip_network(item.strip()))
        except ValueError:
            raise ConfigError(
                "TRUSTED_PROXIES must be a number of proxy hops (0: trust none) or a comma-"
                f"separated list of proxy addresses or CIDRs; {item.strip()!r} is neither"
            ) from None
    return tuple(networks)


def _trusted(address: str, networks: Networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def resolve(peer: str, forwarded: str, networks: Networks) -> str:
    """The client behind `peer`: walk X-Forwarded-For from the right past trusted proxies."""
    address = peer
    for hop in reversed([h.strip() for h in forwarded.split(",") if h.strip()]):
        if not _trusted(address, networks):
            break
        try:
            ipaddress.ip_address(hop)
        except ValueError:  # not an address: the last trusted hop is all we know
            break
        address = hop
    return address


class _TrustedNetworks:
    """WSGI middleware: REMOTE_ADDR becomes the client seen by the trusted proxies."""

    def __init__(self, app, networks: Networks):
        self.app, self.networks = app, networks

    def __call__(self, environ, start_response):
        peer = environ.get("REMOTE_ADDR") or ""
        environ["service.peer_addr"] = peer
        environ["REMOTE_ADDR"] = resolve(peer, environ.get("HTTP_X_FORWARDED_FOR", ""),
                                         self.networks)
        return self.app(environ, start_response)


def init_app(app: Flask) -> None:
    """Refuse an invalid TRUSTED_PROXIES; put the resolver in front of the app."""
    trusted = parse_trusted_proxies(app.config.get("TRUSTED_PROXIES"))
    if isinstance(trusted, int):
        if trusted:  # werkzeug's ProxyFix: the address `trusted` hops from the right
            app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted, x_proto=0, x_host=0,
                                    x_port=0, x_prefix=0)
    else:
        app.wsgi_app = _TrustedNetworks(app.wsgi_app, trusted)


def client_address() -> str | None:
    """The address of the client of the current request (None outside a request)."""
    if not has_request_context():
        return None
    return request.remote_addr or None

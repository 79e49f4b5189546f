"""Headers every answer carries: what the browser may load, sniff, frame or refer."""

from flask import Flask

# Pages (the API reference, the console) load only what the app itself serves.
PAGE_POLICY = ("default-src 'self'; img-src 'self' data:; object-src 'none'; "
               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# Everything else (JSON, files, images) loads nothing at all.
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"


def _add_headers(response):
    page = response.mimetype == "text/html"
    response.headers.setdefault("Content-Security-Policy", PAGE_POLICY if page else DATA_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def init_app(app: Flask) -> None:
    app.after_request(_add_headers)

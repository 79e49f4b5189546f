"""Gunicorn settings for `gunicorn -c deploy/gunicorn.conf.py wsgi:app`."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threads cover waits on MySQL and WeChat; processes cover the CPU.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A 10,000-row station ledger import must finish inside one request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Workers are not recycled after N requests: each keeps the public stations it has read
# in memory (service/stations/warmup.py), and a fresh worker would read them again.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
limit_request_line = 8190

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The path without the query string (%(U)s): queries may carry search terms.
access_log_format = (
    '{"remote": "%(h)s", "method": "%(m)s", "path": "%(U)s", "status": %(s)s, '
    '"bytes": %(B)s, "duration_ms": %(M)s, "request_id": "%({x-request-id}o)s", '
    '"agent": "%(a)s"}'
)


def post_worker_init(worker):
    """Each worker starts reading the public stations for nearby search at once, in the
    background (STATION_INDEX_WARM), instead of with its first searches."""
    from service.stations.warmup import warm

    warm(worker.wsgi)

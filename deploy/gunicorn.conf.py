"""Gunicorn settings for `gunicorn -c deploy/gunicorn.conf.py wsgi:app`."""

import glob
import multiprocessing
import os
import tempfile

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Each worker writes its metrics to files here and GET /metrics sums them
# (service/core/metrics.py). Made once per master, kept across reloads (HUP).
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="union-metrics-")
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

# No control socket (gunicornc): signals do what operators need (HUP reloads), and two
# instances on one host would otherwise share one socket path.
control_socket_disable = True

# Gunicorn takes the scheme (X-Forwarded-Proto) from these peers; the client address is the
# app's own business (TRUSTED_PROXIES, service/core/proxies.py).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
limit_request_line = 8190

# One line per request comes from the app itself (logger service.access, with the request
# id and the client address); set GUNICORN_ACCESS_LOG=- for gunicorn's own as well.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The path without the query string (%(U)s): queries may carry search terms.
access_log_format = (
    '{"remote": "%(h)s", "method": "%(m)s", "path": "%(U)s", "status": %(s)s, '
    '"bytes": %(B)s, "duration_ms": %(M)s, "request_id": "%({x-request-id}o)s", '
    '"agent": "%(a)s"}'
)


def on_starting(server):
    """Refuse to start, listing every configuration problem, before forking any worker;
    and count from zero: empty the metrics folder of an earlier master."""
    from service.config import load_config

    load_config()  # a ConfigError: gunicorn prints "Error: <the problems>" and exits 1
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(folder, exist_ok=True)
    for name in glob.glob(os.path.join(folder, "*.db")):
        os.remove(name)


def post_worker_init(worker):
    """Each worker starts reading the public stations for nearby search at once, in the
    background (STATION_INDEX_WARM), instead of with its first searches."""
    from service.stations.warmup import warm

    warm(worker.wsgi)


def child_exit(server, worker):
    """A worker gone: its gauges leave the sums (its counters stay counted)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)

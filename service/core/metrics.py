"""The service's Prometheus metrics, counted in every gunicorn worker and summed at scrape.

Under gunicorn, `deploy/gunicorn.conf.py` sets PROMETHEUS_MULTIPROC_DIR before any worker
imports this module, so each worker writes its values to files there and a scrape reads
them all (prometheus_client's multiprocess mode). Without it (tests, `flask` commands) the
values live in this process.
"""

import os

from prometheus_client import Counter, Gauge, Histogram

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))

REQUESTS = Counter("union_http_requests_total", "HTTP requests answered, by route and status",
                   ["method", "route", "status"])
LATENCY = Histogram("union_http_request_duration_seconds", "Time to answer, by route",
                    ["method", "route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
RATE_LIMITED = Counter("union_rate_limited_total", "Requests refused by a rate limit (429)",
                       ["route"])
LOGIN_REFUSED = Counter("union_login_refusals_total",
                        "Logins refused (wrong code or password, slowed down, limited)",
                        ["kind", "status"])
WECHAT_CALLS = Counter("union_wechat_calls_total", "Calls to the WeChat API, by outcome",
                       ["api", "outcome"])
DB_POOL_CHECKED_OUT = Gauge("union_db_pool_checked_out",
                            "Database connections in use, summed over live workers",
                            multiprocess_mode="livesum")
DB_POOL_SIZE = Gauge("union_db_pool_size", "Database connection pool size, summed over workers",
                     multiprocess_mode="livesum")
STATION_INDEX_REVISION = Gauge(
    "union_station_index_revision",
    "The stations revision the stalest live worker answers nearby search from",
    multiprocess_mode="livemin")

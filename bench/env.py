"""The system under test: MariaDB, the fake WeChat and gunicorn with the deploy config."""

import base64
import hashlib
import multiprocessing
import os
import subprocess
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import requests
from flask_migrate import upgrade

from service import create_app
from service.wechat.fake import FakeWeChatServer
from tests.servers import ROOT, Gunicorn, RedisServer

# deploy/gunicorn.conf.py's default: two per core and one more.
WORKERS = multiprocessing.cpu_count() * 2 + 1
# A port of its own, so two checkouts can run the benchmarks side by side.
MARIADB_PORT = int(os.environ.get("BENCH_MARIADB_PORT", "33398"))


def _key(words: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(words.encode()).digest()).decode()


# The same keys in gunicorn and in this process: tokens signed and values encrypted by the
# loaders must be read by the server. Fixed, so no key from the shell gets mixed in.
KEYS = {"SECRET_KEY": _key("bench secret key"), "DATA_KEY": _key("bench data key"),
        "BLIND_INDEX_KEY": _key("bench blind index key")}

# Settings the benchmarks run with that production would not: name, value, why. Each one
# is listed in BENCHMARKS.md; everything else is the deploy's own (deploy/env.example and
# the defaults of service/config.py: log level INFO with the app's access line per request,
# rate limits on and kept in Redis, deploy/gunicorn.conf.py with its worker count).
CHANGED_SETTINGS: list[tuple[str, str, str]] = [
    ("SERVICE_ENV", "development",
     "production refuses a WeChat API on loopback, and the fake WeChat listens there; "
     "development differs in nothing else the requests meet (the keys are set as production "
     "requires them)"),
    ("WECHAT_LOGIN_ADDRESS_LIMIT", "30000 per minute",
     "the collective sign-up's 20,000 riders log in from one hall's Wi-Fi, one address, within "
     "a few minutes (deploy/SCALING.md: raise it for such an event)"),
    ("STATION_IMPORT_BUDGET_SECONDS", "100",
     "the shared benchmark machine gives a 10,000-row ledger import a fraction of two cores, "
     "past the 20 s budget that refuses a file whole; the station import scenario reports "
     "each file's time against the 20 s instead"),
]


class BenchEnv:
    """Start everything once; scenarios load data through `app` and load-test `url`."""

    def __init__(self):
        self.stack = ExitStack()
        self.data_dir = Path(tempfile.mkdtemp(prefix="bench-mariadb-"))

    def _mariadb(self, action: str) -> str:
        return subprocess.run(["bash", str(ROOT / "tests/mariadb.sh"), action,
                               str(self.data_dir), str(MARIADB_PORT)],
                              capture_output=True, text=True, check=True).stdout

    def __enter__(self):
        try:
            return self._start()
        except BaseException:  # nothing left running: no server, no MariaDB on the port
            self.stack.close()
            raise

    def _start(self):
        self.stack.callback(subprocess.run, ["bash", str(ROOT / "tests/mariadb.sh"), "stop",
                                             str(self.data_dir)], check=False)
        if (self.data_dir / "data").exists():  # a data set restored (bench/dataset.py)
            self._mariadb("serve")
        else:
            self._mariadb("start")
        # the script's utf8mb4 database
        self.database_url = f"mysql+pymysql://union:union@127.0.0.1:{MARIADB_PORT}/union_test"
        self.fake = self.stack.enter_context(FakeWeChatServer())
        self.redis = self.stack.enter_context(RedisServer())
        # What the loaders in this process need; the server gets the deploy's settings.
        self.settings = {
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "WECHAT_API_BASE": self.fake.base_url,
            "LOG_LEVEL": "WARNING",
            "RATELIMIT_ENABLED": False,
            **KEYS,
        }
        self.app = create_app({"SERVICE_ENV": "development", **self.settings})
        with self.app.app_context():
            upgrade()
        return self

    def halt_database(self) -> None:
        """Stop MariaDB cleanly (every page flushed), its data kept; no connection may be
        open. Waits for the server to be gone, however long its shutdown takes."""
        pid = int((self.data_dir / "mysqld.pid").read_text())
        self._mariadb("halt")
        while _running(pid):
            time.sleep(0.5)

    def serve_database(self) -> None:
        """Start MariaDB again on the kept data."""
        self._mariadb("serve")

    def serve(self):
        """Start gunicorn as deployed (deploy/gunicorn.conf.py, its worker count, Redis, the
        default log level and limits) but for CHANGED_SETTINGS; returns its base URL."""
        env = {"DATABASE_URL": self.database_url, "WECHAT_API_BASE": self.fake.base_url,
               "REDIS_URL": self.redis.url, **KEYS,
               **{name: value for name, value, _ in CHANGED_SETTINGS}}
        self.server = self.stack.enter_context(
            Gunicorn(env, workers=WORKERS, access_log=None))
        requests.get(self.server.url + "/readyz", timeout=10).raise_for_status()
        return self.server.url

    def worker_pids(self) -> list[int]:
        """The gunicorn worker processes (children of the master)."""
        master = self.server.process.pid
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        return [int(pid) for pid in children]

    def wait_for_idle_workers(self, *, window_s: float = 3.0, timeout_s: float = 600) -> float:
        """Wait until the workers, sent nothing, use under 5% of a core for `window_s`
        (done reading the stations in the background); returns the seconds waited. They
        start reading a change once it has stood still for a second look (one a second):
        the first window begins after that."""
        started = time.monotonic()
        time.sleep(3.0)
        # A window ending at every look, twice a second: idle found within half a second.
        looks = [(time.monotonic(), sum(cpu_seconds(pid) for pid in self.worker_pids()))]
        while time.monotonic() - started < timeout_s:
            time.sleep(0.5)
            now, cpu = time.monotonic(), sum(cpu_seconds(pid) for pid in self.worker_pids())
            looks.append((now, cpu))
            while now - looks[1][0] >= window_s:
                looks.pop(0)
            since, cpu_then = looks[0]
            if now - since >= window_s and cpu - cpu_then < 0.05 * (now - since):
                return now - started
        raise TimeoutError(f"the workers were still busy after {timeout_s} s")

    def __exit__(self, *exc):
        self.stack.close()


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie is done


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_kib(pid: int) -> int:
    """The high-water mark of a process's resident memory (VmHWM), KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def reset_peak_rss(pid: int) -> None:
    """Reset VmHWM so the next peak belongs to the next scenario (Linux >= 4.0)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")



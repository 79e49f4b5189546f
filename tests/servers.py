"""Real processes on loopback for tests: gunicorn with the deploy config."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
APP_VARIABLES = {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DATA_KEY", "BLIND_INDEX_KEY",
                 "SERVICE_ENV", "WECHAT_APPID", "WECHAT_SECRET", "WECHAT_API_BASE",
                 "UPLOAD_DIR", "LOGIN_RATE_LIMIT", "SUBMIT_RATE_LIMIT", "RATELIMIT_ENABLED",
                 "TRUSTED_PROXIES", "WECHAT_LOGIN_CODE_LIMIT", "WECHAT_LOGIN_ACCOUNT_LIMIT",
                 "WECHAT_LOGIN_ADDRESS_LIMIT"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 40.0) -> requests.Response:
    """Poll `url` until it answers 200 or time runs out."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            response = requests.get(url, timeout=2)
            if response.status_code == 200:
                return response
        except requests.RequestException:  # not up yet, or busy booting workers
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} did not answer 200 within {seconds}s")
        time.sleep(0.2)


class Gunicorn:
    """`gunicorn -c deploy/gunicorn.conf.py wsgi:app` on a free loopback port."""

    def __init__(self, env: dict, workers: int = 2, access_log: str | None = "/dev/null"):
        """`access_log`: where gunicorn's own access lines go (None: none, as deployed; the
        app writes its own line per request to stderr either way)."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # The app's settings come from `env` only, never from the shell running the tests.
        inherited = {k: v for k, v in os.environ.items() if k not in APP_VARIABLES}
        full_env = {**inherited, **env, "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                    "GUNICORN_WORKERS": str(workers), "GUNICORN_ACCESS_LOG": access_log or ""}
        # A file, not a pipe: an unread pipe fills up and blocks the workers' logging.
        self.log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT, env=full_env, stdout=subprocess.DEVNULL, stderr=self.log,
            start_new_session=True)  # its own process group: kill() takes the workers too

    def __enter__(self):
        try:
            wait_for(self.url + "/healthz")
        except TimeoutError:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()

    def kill(self):
        """SIGKILL the master and its workers at once, as a machine or OOM kill would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def log_text(self) -> str:
        """What the server wrote to stderr so far."""
        return Path(self.log.name).read_text(errors="replace")


class RedisServer:
    """`redis-server` on a free loopback port, nothing kept on disk; `url` for REDIS_URL."""

    def __init__(self):
        import redis

        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL)
        client = redis.Redis(port=self.port)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self.process.kill()
        self.process.wait()

"""The README's first hour: `bash deploy/demo.sh` on a chosen port, then the walkthrough."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.servers import ROOT, free_port

pytestmark = pytest.mark.slow


def _wait_for_line(path: Path, text: str, process, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in path.read_text(errors="replace"):
            return
        assert process.poll() is None, path.read_text(errors="replace")[-3000:]
        time.sleep(0.5)
    raise AssertionError(f"no {text!r} within {seconds}s:\n" + path.read_text()[-3000:])


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_demo_serves_the_walkthrough_and_stops_on_ctrl_c(tmp_path):
    port, wechat_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("WECHAT_", "DATABASE_", "REDIS_", "SECRET_", "DATA_KEY",
                                "BLIND_", "GUNICORN_", "SERVICE_ENV", "FLASK_"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'demo.db'}",
               UPLOAD_DIR=str(tmp_path / "uploads"))
    log = tmp_path / "demo.log"
    with log.open("w") as out:
        demo = subprocess.Popen(
            ["bash", "deploy/demo.sh", "--port", str(port), "--wechat-port", str(wechat_port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for_line(log, "The demo is up", demo, 240)
        printed = log.read_text()
        assert f"http://127.0.0.1:{port}/api/v1/docs" in printed
        assert requests.get(f"http://127.0.0.1:{port}/readyz", timeout=5).json() == {
            "database": "ok", "status": "ok"}

        walk = subprocess.run(
            ["bash", str(ROOT / "deploy" / "walkthrough.sh")], cwd=tmp_path,
            capture_output=True, text=True,
            timeout=300, env={**env, "API": f"http://127.0.0.1:{port}",
                              "WECHAT": f"http://127.0.0.1:{wechat_port}"})
        assert walk.returncode == 0, walk.stdout[-4000:] + walk.stderr[-2000:]
        for expected in ('"error":"id_number_checksum"', '"status":"approved"',
                         "saved as members.xlsx", '"moderation":"pass"',
                         "WeChat received the notice", "The three journeys went through."):
            assert expected in walk.stdout, expected
        assert (tmp_path / "members.xlsx").read_bytes()[:2] == b"PK"
    finally:
        os.killpg(demo.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends
        try:
            demo.wait(timeout=40)
        finally:
            deadline = time.monotonic() + 20
            while _group_alive(demo.pid) and time.monotonic() < deadline:
                time.sleep(0.2)
            leftover = _group_alive(demo.pid)
            if leftover:
                os.killpg(demo.pid, signal.SIGKILL)
    assert not leftover, "a process the demo started outlived Ctrl-C"
    assert "demo stopped" in log.read_text()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2)

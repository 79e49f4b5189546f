"""The benchmarks' wrk runs: every script reports through bench/lua/report.lua (one file
the scripts load), read back by bench/wrk.py; and how long a run lasts for its answers."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.wrk import ANSWERS, LUA, probe, replay, run_wrk, seconds_for


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        body = b'{"status": "ok"}' if self.path == "/healthz" else b'{"items": []}'
        self.send_response(404 if self.path.startswith("/missing") else 200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Request-ID", self.headers.get("X-Request-ID", ""))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_scripts_print_done_s_lines_from_one_file():
    shared = (LUA / "report.lua").read_text()
    assert 'io.write(string.format("STATUS' in shared and "FINISHED" in shared
    for script in ("get.lua", "nearby.lua", "replay.lua", "journey.lua", "peak.lua"):
        text = (LUA / script).read_text()
        assert 'require("report")' in text and "report.done(threads, summary)" in text
        assert "STATUS %d" not in text and "FINISHED %d" not in text
        assert "ERRORS connect" not in text


@pytest.mark.parametrize("script", ["get.lua", "nearby.lua"])
def test_a_timed_run_reads_statuses_and_socket_errors(url, script):
    result = run_wrk(url + "/missing", script, seconds=1, connections=2,
                     env={"NEARBY_PATH": "/missing"})  # nearby.lua's own path
    assert result.answered > 0 and set(result.statuses) == {404}
    assert result.socket_errors == {"connect": 0, "read": 0, "write": 0, "timeout": 0}
    assert result.elapsed_s is None  # no FINISHED line: a timed run's rate is wrk's


def test_a_replay_reads_when_each_thread_finished(url, tmp_path):
    lines = tmp_path / "lines"
    lines.write_text("".join(f'/api/x\ttoken\t{{"n": {n}}}\n' for n in range(30)))
    result = replay(url, lines, connections=4, threads=2, max_seconds=30)
    assert result.statuses == {200: 30}  # every line once, the idle /healthz not counted
    assert 0 < result.elapsed_s < 30  # from the threads' FINISHED lines
    assert result.socket_errors["connect"] == 0


def test_a_run_lasts_long_enough_for_its_answers_and_no_longer():
    assert seconds_for(1000, 5) == 2  # fast: the shortest run already has 2,000
    assert seconds_for(60, 5) == 4 and 60 * 4 >= ANSWERS
    assert seconds_for(8, 5) == 5  # slow: as long as allowed, fewer answers
    assert seconds_for(0.3, 10) == 10 and seconds_for(0, 10) == 10
    assert seconds_for(1000, 1) == 1  # never longer than allowed


def test_a_probe_gives_the_first_answer_and_one_client_s_rate(url):
    first, rate = probe(url + "/missing", {})
    assert first.status_code == 404 and rate > 1

"""Run wrk with one of our Lua scripts and read what it prints."""

import math
import os
import re
import signal
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

LUA = Path(__file__).resolve().parent / "lua"
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}
# The scripts `require("report")` (lua/report.lua, what done() prints): this folder first,
# then Lua's own path (";;").
LUA_PATH = {"LUA_PATH": f"{LUA}/?.lua;;"}


@dataclass
class WrkResult:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    statuses: dict[int, int] = field(default_factory=dict)
    elapsed_s: float | None = None  # for replays: start to the last answer
    socket_errors: dict[str, int] = field(default_factory=dict)  # when the script reports them

    @property
    def answered(self) -> int:
        return sum(self.statuses.values())


def combined(results: list[WrkResult]) -> WrkResult:
    """Runs of equal length as one: mean rate, median p50, worst p99, statuses summed."""
    statuses: dict[int, int] = {}
    for result in results:
        for code, count in result.statuses.items():
            statuses[code] = statuses.get(code, 0) + count
    return WrkResult(statistics.mean(r.requests_per_s for r in results),
                     statistics.median(r.p50_ms for r in results),
                     max(r.p99_ms for r in results), statuses)


ANSWERS = 200  # what a row's run aims at, when its time allows: a p99 among 200 answers


def seconds_for(rate_per_s: float, longest: int, *, shortest: int = 2,
                answers: int = ANSWERS) -> int:
    """How long to run wrk for `answers` at `rate_per_s` (answers per second, as measured
    or probed), whole seconds within [shortest, longest]: a fast answer needs no long run
    for its p99; a slow one gets `longest`, and fewer answers (its row says how many)."""
    if rate_per_s <= 0:
        return longest
    return max(min(shortest, longest), min(longest, math.ceil(answers / rate_per_s)))


def probe(url: str, headers: dict, *, calls: int = 3, budget_s: float = 1.0, **options):
    """GET `url` up to `calls` times in a row, stopping once `budget_s` has passed: the
    first answer (for the row's checks) and answers per second of one client (from the
    median time of the calls), to choose a run's length with seconds_for."""
    times, first = [], None
    while len(times) < calls and sum(times) < budget_s:
        started = time.perf_counter()
        answer = requests.get(url, headers=headers, timeout=60, **options)
        times.append(time.perf_counter() - started)
        first = answer if first is None else first
    return first, 1 / max(statistics.median(times), 1e-6)


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def _command(url, script, seconds, connections, threads, timeout_s, headers) -> list[str]:
    header_args = [arg for name, value in (headers or {}).items()
                   for arg in ("-H", f"{name}: {value}")]
    return ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s",
            f"--timeout={timeout_s}s", "--latency", *header_args, "-s", str(LUA / script), url]


def run_wrk(url: str, script: str, *, seconds: int = 10, connections: int = 64,
            threads: int = 2, env: dict | None = None, timeout_s: int = 10,
            headers: dict | None = None) -> WrkResult:
    """`wrk --latency` against `url` with `lua/<script>`; returns rate and percentiles."""
    started_ns = time.time_ns()
    output = subprocess.run(
        _command(url, script, seconds, connections, threads, timeout_s, headers),
        capture_output=True, text=True, check=True,
        env={**os.environ, **LUA_PATH, **(env or {}), "REPLAY_THREADS": str(threads)}).stdout
    return _parse(output, started_ns, seconds)


def replay(url: str, replay_file: Path, *, connections: int = 64, threads: int = 2,
           max_seconds: int = 300, timeout_s: int = 20, script: str = "replay.lua") -> WrkResult:
    """Send every line of `replay_file` once (lua/replay.lua, or `script` that keeps its
    conventions, as lua/journey.lua does); stop wrk when all are answered.

    wrk itself runs for its whole duration, so each thread leaves a file when its share is
    answered, and wrk is interrupted (it then reports as usual) once every thread has.
    A thread whose last answers never come (lost with their connection) gives up after
    wrk's timeout and a margin.
    """
    with tempfile.TemporaryDirectory(prefix="bench-replay-") as done_dir:
        env = {**os.environ, **LUA_PATH, "REPLAY_FILE": str(replay_file),
               "REPLAY_THREADS": str(threads), "REPLAY_DONE": str(Path(done_dir) / "thread"),
               "REPLAY_GRACE": str(timeout_s + 5)}
        started_ns = time.time_ns()
        process = subprocess.Popen(
            _command(url, script, max_seconds, connections, threads, timeout_s, None),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        while process.poll() is None and len(os.listdir(done_dir)) < threads:
            time.sleep(0.1)
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        output, errors = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"wrk failed ({process.returncode}): {errors}")
    return _parse(output, started_ns, max_seconds)


def _parse(output: str, started_ns: int, seconds: int) -> WrkResult:
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.M))
    if not percentiles:
        raise RuntimeError(f"wrk measured nothing (no answer within {seconds}s):\n{output}")
    statuses: dict[int, int] = {}
    for code, count in re.findall(r"^STATUS (\d+) (\d+)$", output, re.M):
        statuses[int(code)] = statuses.get(int(code), 0) + int(count)
    finished = [int(ns) for ns in re.findall(r"^FINISHED (\d+)$", output, re.M)]
    rate = float(re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M).group(1))
    errors = re.search(r"^ERRORS connect (\d+) read (\d+) write (\d+) timeout (\d+)$", output, re.M)
    socket_errors = {} if errors is None else dict(
        zip(("connect", "read", "write", "timeout"), map(int, errors.groups()), strict=True))
    elapsed = None
    if finished and all(finished):
        elapsed = (max(finished) - started_ns) / 1e9
        rate = sum(statuses.values()) / elapsed
    return WrkResult(rate, _ms(percentiles["50"]), _ms(percentiles["99"]), statuses, elapsed,
                     socket_errors)

"""Run wrk with one of our Lua scripts and read what it prints."""

import os
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

LUA = Path(__file__).resolve().parent / "lua"
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


@dataclass
class WrkResult:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    statuses: dict[int, int] = field(default_factory=dict)
    elapsed_s: float | None = None  # for replays: start to the last answer

    @property
    def answered(self) -> int:
        return sum(self.statuses.values())


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def run_wrk(url: str, script: str, *, seconds: int = 10, connections: int = 64,
            threads: int = 2, env: dict | None = None, timeout_s: int = 10,
            headers: dict | None = None) -> WrkResult:
    """`wrk --latency` against `url` with `lua/<script>`; returns rate and percentiles."""
    started_ns = time.time_ns()
    header_args = [arg for name, value in (headers or {}).items()
                   for arg in ("-H", f"{name}: {value}")]
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", f"--timeout={timeout_s}s",
         "--latency", *header_args, "-s", str(LUA / script), url],
        capture_output=True, text=True, check=True,
        env={**os.environ, **(env or {}), "REPLAY_THREADS": str(threads)}).stdout
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.M))
    if not percentiles:
        raise RuntimeError(f"wrk measured nothing (no answer within {seconds}s):\n{output}")
    statuses: dict[int, int] = {}
    for code, count in re.findall(r"^STATUS (\d+) (\d+)$", output, re.M):
        statuses[int(code)] = statuses.get(int(code), 0) + int(count)
    finished = [int(ns) for ns in re.findall(r"^FINISHED (\d+)$", output, re.M)]
    rate = float(re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M).group(1))
    elapsed = None
    if finished and all(finished):
        elapsed = (max(finished) - started_ns) / 1e9
        rate = sum(statuses.values()) / elapsed
    return WrkResult(rate, _ms(percentiles["50"]), _ms(percentiles["99"]), statuses, elapsed)

"""One table for every scenario, as Markdown, with the machine it ran on."""

import os
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass
class Row:
    scenario: str
    requests_per_s: float
    ratio_to_healthz: float | None
    p50_ms: float
    p99_ms: float
    checks: str


def machine() -> str:
    """CPU model, cores and memory of this machine."""
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory_kib = int(Path("/proc/meminfo").read_text().split()[1])
    return (f"{model}, {os.cpu_count()} cores, {memory_kib / 1024 / 1024:.0f} GiB, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}")


def table(rows: list[Row]) -> str:
    lines = ["| scenario | req/s | ratio to /healthz | p50 ms | p99 ms | checks |",
             "| --- | ---: | ---: | ---: | ---: | --- |"]
    for row in rows:
        ratio = "—" if row.ratio_to_healthz is None else f"{row.ratio_to_healthz:.2f}"
        lines.append(f"| {row.scenario} | {row.requests_per_s:.1f} | {ratio} | "
                     f"{row.p50_ms:.1f} | {row.p99_ms:.1f} | {row.checks} |")
    return "\n".join(lines)


def document(rows: list[Row], command: str, seconds: float) -> str:
    """The whole BENCHMARKS.md text."""
    return f"""# Benchmarks

Reproduce with `{command}` (installs wrk and MariaDB from Debian's packages when absent).
Every scenario runs against gunicorn with `deploy/gunicorn.conf.py` and MariaDB on this
machine; the load generator is wrk. Throughput is given as a ratio to `GET /healthz`
measured in the same run, so the numbers compare across noisy, shared machines.

Last run: {datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}, {seconds / 60:.1f} minutes, on
{machine()}.

{table(rows)}
"""

"""One table for every scenario, as Markdown, with the machine it ran on."""

import os
import platform
from dataclasses import dataclass, field
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
    targets: list[str] = field(default_factory=list)  # "what: met/missed (measured)"


def target(what: str, met: bool, measured: str) -> str:
    """One line of the targets list."""
    return f"{what}: {'met' if met else '**missed**'} ({measured})"


def _number(value: float) -> str:
    # two significant digits for the small rates and ratios of the exports
    return f"{value:.2g}" if 0 < abs(value) < 0.1 else f"{value:.2f}"


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
        ratio = "—" if row.ratio_to_healthz is None else _number(row.ratio_to_healthz)
        rate = row.requests_per_s
        lines.append(f"| {row.scenario} | {_number(rate) if rate < 1 else f'{rate:.1f}'} | "
                     f"{ratio} | {row.p50_ms:.1f} | {row.p99_ms:.1f} | {row.checks} |")
    return "\n".join(lines)


NOTES = """How to read it:

- **refund ledger export**, **member export**: one download first (its size and time), then
  wrk downloads at 2 connections for at least two and a half single downloads; the
  workers' peak resident memory (VmHWM, reset before the scenario) shows whether an export
  stays flat in memory however many rows it writes.
- **collective sign-up**: distinct WeChat users (tokens signed with the server's key), each
  posting one valid application (own ID number and phone) to a union that reviews, every
  one sent exactly once by `bench/lua/replay.lua` at 64 connections; throughput is the
  answers over the time to the last one. Afterwards the database must hold one live
  application per 201 answer and no person or account twice.
- **nearby search**: `GET /api/v1/stations/nearby?radius=3000&limit=20` from random points of
  central Zhengzhou over synthetic stations clustered on its districts
  (`service.demo.stations.generate_stations`). Samples check that answers are non-empty and
  sorted by distance. The naive comparison runs in the benchmark process on the same
  database: the query one writes first (haversine in SQL over every public station,
  `ORDER BY` distance, `LIMIT 20`) against `service.stations.search.nearby`, median times
  over the same points, both answers turned into the same items and compared. Each gunicorn
  worker answers from the stations it holds in memory (`service/stations/index.py`) and
  reads them all again in the background after a change, so after loading the benchmark
  waits until the workers are idle (the time is in the checks) and warms them with a short
  run. Its ratio to `/healthz` is not that of the baseline row: three rounds of `/healthz`
  then nearby search, 5 s each, from the same wrk script (the same random query strings),
  so both meet the same moments of this shared machine; the ratio is that of the means (each
  round's in the checks), the p99 ratio that of the worst rounds. `/healthz` touches
  nothing; a warm nearby answer parses its arguments, measures the stations in the strips
  its circle crosses and writes 20 items, in the same Python workers, which share the two
  cores with wrk.
"""


def document(rows: list[Row], command: str, seconds: float, quick: bool = False) -> str:
    """The whole BENCHMARKS.md text."""
    kind = " (`--quick`: smaller data, shorter runs)" if quick else ""
    targets = [line for row in rows for line in row.targets]
    if not quick:
        targets.append(target("the whole run under 10 minutes", seconds < 600,
                              f"{seconds / 60:.1f} minutes"))
    listed = "".join(f"- {line}\n" for line in targets) or "- none at this size\n"
    return f"""# Benchmarks

Reproduce with `{command}` (installs wrk and MariaDB from Debian's packages when absent).
Every scenario runs against gunicorn with `deploy/gunicorn.conf.py` and MariaDB on this
machine; the load generator is wrk. Throughput is given as a ratio to `GET /healthz`
measured in the same run, so the numbers compare across noisy, shared machines.

Last run{kind}: {datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}, {seconds / 60:.1f} minutes, on
{machine()}.

{table(rows)}

Targets:

{listed}
{NOTES}"""

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


def settings_section(changed: list[tuple[str, str, str]]) -> str:
    """The settings the run changed from the deploy's, as a Markdown list."""
    if not changed:
        return "- none: every setting is the deploy's own\n"
    return "".join(f"- `{name}={value}`: {why}\n" for name, value, why in changed)




def document(rows: list[Row], command: str, seconds: float, quick: bool = False, *,
             notes: list[str], changed: list[tuple[str, str, str]]) -> str:
    """The whole BENCHMARKS.md text."""
    kind = " (`--quick`: smaller data, shorter runs)" if quick else ""
    targets = [line for row in rows for line in row.targets]
    if not quick:
        targets.append(target("the whole run within 15 minutes", seconds <= 900,
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
Settings changed from the deploy's (everything else is as deployed: `deploy/gunicorn.conf.py`
and its worker count, log level INFO with the app's access line for every request, rate
limits on and shared through Redis):

{settings_section(changed)}
How to read it:

{"".join(note.strip() + chr(10) for note in notes)}"""

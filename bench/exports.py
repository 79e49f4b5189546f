"""Exports at city size: the city's roster, a district's roster and the refund ledger, each
downloaded once, streamed to a file, and read back (sheets, headers, rows)."""

import math
import tempfile
import time
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import requests
from sqlalchemy import func, select

from bench.city import MEMBERS, load_city
from bench.data import ensure_orgs, load_refund_applications
from bench.env import BenchEnv, cpu_seconds, peak_rss_kib, reset_peak_rss
from bench.progress import step
from bench.report import Row, target
from service.core.spreadsheets import EXCEL_SHEET_ROWS, MAIN
from service.extensions import db
from service.joining.export import header
from service.models.members import Member
from service.models.orgs import Org, subtree_ids
from service.models.refund_applications import RefundApplication
from service.refunds.ledger import HEADER as LEDGER_HEADER

QUICK_MEMBERS = 50_000
LEDGER_ROWS, QUICK_LEDGER_ROWS = 100_000, 5_000  # 20,000 enterprises, five years
ROWS_PER_S, RSS_GROWTH_MIB = 30_000, 150
DISTRICT = ("jinshui_admin", "JS")  # org_admin of 金水区总工会

NOTE = """- **exports**: each export is downloaded once (a city's roster is a large download,
  not something to repeat under wrk), streamed to a file and read back: each sheet the
  workbook names is streamed out of the zip once, its rows counted by their tags (opened
  and closed alike) and its first row parsed for the header, and the data rows must
  equal the rows in scope in the database, on as many sheets as 1,048,575 rows each
  make (a footer row of totals under the last). rows/s is data rows over the whole
  download; the worker's CPU seconds for it give a figure the shared machine's load does
  not move (rows per CPU second), and MariaDB's CPU seconds meanwhile the database's
  share (a district's roster reads its ids from an org index, then its rows by id; the
  pages are read one ahead, while the worker writes the page before). Peak RSS growth
  is the serving worker's high-water mark (VmHWM, reset before) less its resident memory
  before the download. The city roster runs at the data set's full size (1.72 million
  members, two sheets); `--quick` at 50,000.
"""


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def read_back(path: Path) -> tuple[list[int], list[tuple]]:
    """Rows of each sheet (its header and any footer included) and each sheet's header,
    read from the file as Excel would find it: the sheets named by the workbook, each
    sheet's XML streamed out of the zip once, its rows counted by their tags (opened and
    closed alike), its first row parsed for the header's text."""
    counts, headers = [], []
    with zipfile.ZipFile(path) as archive:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        sheets = len(workbook.findall(f"{{{MAIN}}}sheets/{{{MAIN}}}sheet"))
        for number in range(1, sheets + 1):
            opened = closed = 0
            tail, first = b"", None
            with archive.open(f"xl/worksheets/sheet{number}.xml") as sheet:
                while block := sheet.read(1 << 20):
                    data = tail + block
                    end = data.rfind(b">") + 1  # whole tags only: the rest waits a block
                    data, tail = data[:end], data[end:]
                    opened += data.count(b"<row>") + data.count(b"<row ")
                    closed += data.count(b"</row>")
                    if first is None and b"</row>" in data:
                        first = data[data.index(b"<row"):data.index(b"</row>") + 6]
            counts.append(opened if opened == closed else -1)
            cells = ElementTree.fromstring(first or b"<row/>")
            headers.append(tuple("".join(cell.itertext()) for cell in cells))
    return counts, headers


def download(env: BenchEnv, path: str, token: str, into: Path) -> dict:
    """One streamed download to `into`: seconds, first byte, bytes, the workers' memory."""
    workers = env.worker_pids()
    before = {pid: _rss_kib(pid) for pid in workers}
    cpu = {pid: cpu_seconds(pid) for pid in workers}
    for pid in workers:
        reset_peak_rss(pid)
    database = int((env.data_dir / "mysqld.pid").read_text())
    database_cpu = cpu_seconds(database)
    started = time.monotonic()
    first_byte = None
    with requests.get(env.url + path, headers={"Authorization": f"Bearer {token}"},
                      stream=True, timeout=600) as answer, into.open("wb") as out:
        for block in answer.iter_content(1 << 16):
            first_byte = first_byte or time.monotonic() - started
            out.write(block)
        status = answer.status_code
    seconds = time.monotonic() - started
    growth = {pid: (peak_rss_kib(pid) - before[pid]) / 1024 for pid in workers}
    busiest = max(workers, key=lambda pid: cpu_seconds(pid) - cpu[pid])
    return {"status": status, "seconds": seconds, "first_byte": first_byte or seconds,
            "bytes": into.stat().st_size, "rss_growth_mib": max(growth.values()),
            "cpu_s": cpu_seconds(busiest) - cpu[busiest],
            "database_cpu_s": cpu_seconds(database) - database_cpu,
            "rss_before_mib": before[busiest] / 1024}


def export_row(env: BenchEnv, name: str, path: str, username: str, expected_rows: int,
               expected_header: list[str]) -> Row:
    """Download, read back and judge one export whose scope holds `expected_rows` rows."""
    from bench.scenarios import staff_token  # the scenarios module lists this one

    token = staff_token(env, username)
    with tempfile.TemporaryDirectory(prefix="bench-export-") as folder:
        file = Path(folder) / "export.xlsx"
        with step(f"{name}: one download of {expected_rows:,} rows"):
            got = download(env, path, token, file)
        with step(f"{name}: reading the file back"):
            counts, headers = read_back(file) if got["status"] == 200 else ([], [])
    sheets = math.ceil((expected_rows + 1) / EXCEL_SHEET_ROWS)  # data and the totals row
    data_rows = sum(counts) - len(counts) - 1  # less a header a sheet and the totals
    file_ok = (got["status"] == 200 and len(counts) == sheets and data_rows == expected_rows
               and all(list(h) == expected_header for h in headers)
               and all(n - 1 <= EXCEL_SHEET_ROWS for n in counts))
    rate = data_rows / got["seconds"] if file_ok else 0.0
    per_cpu = data_rows / got["cpu_s"] if file_ok and got["cpu_s"] else 0.0
    checks = (f"status {got['status']}; {got['bytes'] / 1e6:.1f} MB xlsx in "
              f"{got['seconds']:.1f} s (first byte {got['first_byte'] * 1000:.0f} ms); "
              f"{len(counts)} sheet(s) of {', '.join(f'{n - 1:,}' for n in counts)} rows "
              f"under a header each, {data_rows:,} data rows of {expected_rows:,} in the "
              f"database, headers as exported: {file_ok}; serving worker "
              f"{got['cpu_s']:.1f} CPU s ({per_cpu:,.0f} rows per CPU s), MariaDB "
              f"{got['database_cpu_s']:.1f} CPU s, RSS "
              f"{got['rss_before_mib']:.0f} MiB before")
    ms = got["seconds"] * 1000
    return Row(name, 1 / got["seconds"], None, ms, ms, checks, targets=[
        target(f"{name}: at least {ROWS_PER_S:,} rows/s", rate >= ROWS_PER_S,
               f"{rate:,.0f} rows/s; {per_cpu:,.0f} rows per worker CPU s"),
        target(f"{name}: worker peak RSS growth at most {RSS_GROWTH_MIB} MB",
               got["rss_growth_mib"] <= RSS_GROWTH_MIB, f"{got['rss_growth_mib']:.0f} MiB"),
        target(f"{name}: {sheets} sheet(s), a header each, every row once", file_ok,
               f"{len(counts)} sheet(s), {data_rows:,} of {expected_rows:,} rows")])


def exports(env, baseline, *, quick, seconds):
    members = QUICK_MEMBERS if quick else MEMBERS
    ledger = QUICK_LEDGER_ROWS if quick else LEDGER_ROWS
    with step(f"the city's {members:,} members and {ledger:,} refund applications"), \
            env.app.app_context():
        ensure_orgs()
        load_city(env.settings, members=members)
        present = db.session.scalar(select(func.count(RefundApplication.id)).where(
            RefundApplication.status != "draft"))
        if not present:  # loaded once: its owner account is made once
            load_refund_applications(ledger)
        city = db.session.scalar(select(func.count(Member.id)))
        district = db.session.scalar(select(func.count(Member.id)).where(Member.org_id.in_(
            subtree_ids(db.session.scalar(select(Org).where(Org.code == DISTRICT[1]))))))
        applications = db.session.scalar(select(func.count(RefundApplication.id)).where(
            RefundApplication.status != "draft"))
    roster = "/api/v1/admin/members/export"
    yield export_row(env, f"city roster export ({city:,} rows)", roster, "city_admin",
                     city, header(False))
    yield export_row(env, f"district roster export ({district:,} rows)", roster,
                     DISTRICT[0], district, header(False))
    yield export_row(env, f"refund ledger export ({applications:,} rows)",
                     "/api/v1/admin/refunds/export", "city_finance", applications,
                     LEDGER_HEADER)

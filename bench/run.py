"""`python -m bench.run`: every scenario, one table, ratios to /healthz of the same run."""

import argparse
import inspect
import time
import traceback
from pathlib import Path

from bench import dataset
from bench.env import CHANGED_SETTINGS, BenchEnv
from bench.progress import say, step
from bench.report import Row, document, table, target
from bench.wrk import run_wrk

COMMAND = "bash bench/run.sh"


def healthz(env: BenchEnv, seconds: int) -> Row:
    result = run_wrk(env.url + "/healthz", "get.lua", seconds=seconds)
    ok = result.statuses.get(200, 0) == result.answered
    return Row("GET /healthz (baseline)", result.requests_per_s, 1.0, result.p50_ms,
               result.p99_ms, f"{result.answered} answered, all 200: {ok}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller data, shorter runs")
    parser.add_argument("--write", type=Path, help="write the results to this Markdown file")
    parser.add_argument("--only", action="append", metavar="SCENARIO",
                        help="run only this scenario (repeatable), e.g. nearby_search")
    args = parser.parse_args(argv)
    seconds = 5 if args.quick else 10
    started = time.monotonic()
    from bench import scenarios

    env = BenchEnv()
    restored_s = dataset.restore(env.data_dir, args.quick)
    say("starting MariaDB, the fake WeChat and gunicorn...")
    with env:
        source = dataset.prepare(env, args.quick, restored_s)
        env.url = env.serve()
        with step(f"GET /healthz: wrk for {seconds} s"):
            baseline = healthz(env, seconds)
        rows = [baseline]
        print(table(rows), flush=True)
        notes: list[str] = []
        for scenario in scenarios.ALL:
            if args.only and scenario.__name__ not in args.only:
                continue
            note = getattr(inspect.getmodule(scenario), "NOTE", "")
            if note and note not in notes:
                notes.append(note)
            try:
                for row in scenario(env, baseline, quick=args.quick, seconds=seconds):
                    rows.append(row)
                    print(table(rows[-1:]).splitlines()[-1], flush=True)
            except Exception as error:  # the others still run; the table says what broke
                traceback.print_exc()
                rows.append(Row(f"{scenario.__name__}: **failed**", 0, None, 0, 0,
                                f"{type(error).__name__}: {error}",
                                [target(f"{scenario.__name__} ran to the end", False,
                                        type(error).__name__)]))
    elapsed = time.monotonic() - started
    print()
    print(table(rows))
    print(f"\n{source}\nfinished in {elapsed / 60:.1f} minutes")
    if args.write:
        args.write.write_text(document(rows, COMMAND, elapsed, args.quick, notes=notes,
                                       changed=CHANGED_SETTINGS))


if __name__ == "__main__":
    main()

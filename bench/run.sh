#!/usr/bin/env bash
# Run every benchmark and write BENCHMARKS.md: installs wrk and MariaDB when absent.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --require-hashes -r requirements/test.txt
.venv/bin/python -m pip install --quiet --no-deps -e .
exec .venv/bin/python -m bench.run --write BENCHMARKS.md "$@"

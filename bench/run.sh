#!/usr/bin/env bash
# Run every benchmark and write BENCHMARKS.md: installs wrk and MariaDB when absent.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi
bash deploy/venv.sh test
exec .venv/bin/python -m bench.run --write BENCHMARKS.md "$@"

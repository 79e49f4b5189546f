#!/usr/bin/env bash
# Install what the tests need into .venv and run lint and the whole suite.
# On SQLite by default; set TEST_DATABASE_URL=mysql+pymysql://... to run on MariaDB/MySQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/system.sh
bash deploy/venv.sh test
.venv/bin/ruff check .
if [ $# -gt 0 ]; then
    exec .venv/bin/python -m pytest -n "${TEST_WORKERS:-auto}" "$@"
fi
# The whole suite: the scale-out drill (two gunicorn masters, nginx, MariaDB, Redis, two
# workers) runs on its own after the rest, so its timing is not at the mercy of a full
# machine.
.venv/bin/python -m pytest -n "${TEST_WORKERS:-auto}" --ignore=tests/scaleout
exec .venv/bin/python -m pytest -n 0 tests/scaleout

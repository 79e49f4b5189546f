#!/usr/bin/env bash
# Install what the tests need into .venv and run lint and the whole suite.
# On SQLite by default; set TEST_DATABASE_URL=mysql+pymysql://... to run on MariaDB/MySQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/system.sh
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --require-hashes -r requirements/test.txt
.venv/bin/python -m pip install --quiet --no-deps -e .
.venv/bin/ruff check .
exec .venv/bin/python -m pytest -n "${TEST_WORKERS:-auto}" "$@"

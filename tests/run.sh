#!/usr/bin/env bash
# Install what the tests need into .venv and run lint and the whole suite.
# On SQLite by default; set TEST_DATABASE_URL=mysql+pymysql://... to run on MariaDB/MySQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/system.sh
bash deploy/venv.sh test
.venv/bin/ruff check .
exec .venv/bin/python -m pytest -n "${TEST_WORKERS:-auto}" "$@"

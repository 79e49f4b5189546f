#!/usr/bin/env bash
# Install the service into .venv and serve it with demo data on http://127.0.0.1:8000:
# SQLite under instance/, the local fake WeChat on 127.0.0.1:9900 unless WECHAT_APPID is set.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
export FLASK_APP=wsgi
export GUNICORN_BIND=${GUNICORN_BIND:-127.0.0.1:8000}
export GUNICORN_WORKERS=${GUNICORN_WORKERS:-2}

.venv/bin/flask db upgrade
exec .venv/bin/gunicorn -c deploy/gunicorn.conf.py wsgi:app

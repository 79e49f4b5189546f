#!/usr/bin/env bash
# Install the service into .venv and serve it with demo data on http://127.0.0.1:8000:
# SQLite under instance/, the local fake WeChat on 127.0.0.1:9900 unless WECHAT_APPID is set.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
export FLASK_APP=wsgi
# The demo runs with the development defaults (published keys): never a production setting.
export SERVICE_ENV=development
export GUNICORN_BIND=${GUNICORN_BIND:-127.0.0.1:8000}
export GUNICORN_WORKERS=${GUNICORN_WORKERS:-2}

if [ -z "${WECHAT_APPID:-}" ]; then
    fake_port=${FAKE_WECHAT_PORT:-9900}
    export WECHAT_API_BASE="http://127.0.0.1:$fake_port"
    mkdir -p instance
    .venv/bin/python -m service.wechat.fake --host 127.0.0.1 --port "$fake_port" \
        >instance/fake-wechat.log 2>&1 &
    fake_pid=$!
    trap 'kill "$fake_pid" 2>/dev/null || true' EXIT
    echo "fake WeChat on $WECHAT_API_BASE (log: instance/fake-wechat.log)"
fi

.venv/bin/flask db upgrade
.venv/bin/flask seed-demo
.venv/bin/flask worker >instance/worker.log 2>&1 &
worker_pid=$!
trap 'kill "${fake_pid:-}" "$worker_pid" 2>/dev/null || true' EXIT
echo "serving on http://$GUNICORN_BIND  (API docs: http://$GUNICORN_BIND/api/v1/docs)"
.venv/bin/gunicorn -c deploy/gunicorn.conf.py wsgi:app

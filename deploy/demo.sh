#!/usr/bin/env bash
# Install the service into .venv and serve it with demo data:
#   bash deploy/demo.sh                          on http://127.0.0.1:8000
#   bash deploy/demo.sh --port 8080              another port
#   bash deploy/demo.sh --host 0.0.0.0           reachable from the local network too
#   bash deploy/demo.sh --wechat-port 9901       the local fake WeChat's port (9900)
# (or HOST=, PORT=, FAKE_WECHAT_PORT=, or GUNICORN_BIND=host:port). SQLite under instance/
# unless DATABASE_URL is set; the local fake WeChat unless WECHAT_APPID is set. Ctrl-C stops
# every process it started.
set -euo pipefail
cd "$(dirname "$0")/.."
host=${HOST:-127.0.0.1}
port=${PORT:-8000}
fake_port=${FAKE_WECHAT_PORT:-9900}
while [ $# -gt 0 ]; do
    case "$1" in
        --host) host=${2:?--host needs an address}; shift 2 ;;
        --port) port=${2:?--port needs a number}; shift 2 ;;
        --wechat-port) fake_port=${2:?--wechat-port needs a number}; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

bash deploy/venv.sh runtime
export FLASK_APP=wsgi
# The demo runs with the development defaults (published keys): never a production setting.
export SERVICE_ENV=development
export GUNICORN_BIND=${GUNICORN_BIND:-$host:$port}
export GUNICORN_WORKERS=${GUNICORN_WORKERS:-2}
mkdir -p instance

pids=()
stop() {
    trap - INT TERM EXIT
    [ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null || true
    wait 2>/dev/null || true
    echo "demo stopped"
}
trap stop INT TERM EXIT

if [ -z "${WECHAT_APPID:-}" ]; then
    export WECHAT_API_BASE="http://127.0.0.1:$fake_port"
    .venv/bin/python -m service.wechat.fake --host 127.0.0.1 --port "$fake_port" \
        >instance/fake-wechat.log 2>&1 &
    pids+=($!)
fi

.venv/bin/flask db upgrade
.venv/bin/flask seed-demo
.venv/bin/flask worker >instance/worker.log 2>&1 &
pids+=($!)
.venv/bin/gunicorn -c deploy/gunicorn.conf.py wsgi:app &
pids+=($!)

shown=$GUNICORN_BIND
case "$shown" in 0.0.0.0:*) shown=127.0.0.1:${shown#0.0.0.0:} ;; esac
for _ in $(seq 1 120); do
    curl -fs "http://$shown/healthz" >/dev/null 2>&1 && break
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "gunicorn did not start" >&2; exit 1; }
    sleep 0.5
done
cat <<TXT

The demo is up (Ctrl-C stops it):
  API            http://$shown/api/v1/
  API docs       http://$shown/api/v1/docs
  health         http://$shown/readyz
TXT
[ -z "${WECHAT_APPID:-}" ] && echo "  fake WeChat    $WECHAT_API_BASE (log: instance/fake-wechat.log)"
cat <<TXT
  worker log     instance/worker.log
  walkthrough    API=http://$shown WECHAT=${WECHAT_API_BASE:-} bash deploy/walkthrough.sh
TXT
wait "${pids[-1]}"

#!/usr/bin/env bash
# A throwaway Redis server on a loopback port: tests/redis.sh start PORT | stop PORT
set -euo pipefail
action=${1:?start|stop}
port=${2:-63790}
case "$action" in
start)
    if ! command -v redis-server >/dev/null; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq --no-install-recommends redis-server >/dev/null
        (service redis-server stop) >/dev/null 2>&1 || true
    fi
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
        --pidfile "/tmp/redis-$port.pid" >/dev/null
    for _ in $(seq 1 40); do
        redis-cli -p "$port" ping >/dev/null 2>&1 && break
        sleep 0.25
    done
    echo "redis://127.0.0.1:$port/15"
    ;;
stop)
    redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
    ;;
*) echo "usage: $0 start|stop PORT" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# A throwaway MariaDB server on a loopback port with a data directory of its own.
#   tests/mariadb.sh start DIR PORT   installs mariadb-server when absent, prints the URL
#   tests/mariadb.sh stop DIR         stops it and removes DIR
#   tests/mariadb.sh halt DIR         stops it, keeping the data
#   tests/mariadb.sh serve DIR PORT   starts it again on the kept data
# MARIADB_SERVER_ID=N (start/serve): write a binary log as server N, for replication tests,
# and count rows read per table (information_schema.TABLE_STATISTICS).
set -euo pipefail
action=${1:?start|stop}
dir=${2:?data directory}
port=${3:-33306}

find_server() { command -v mariadbd || command -v mysqld || ls /usr/sbin/mariadbd 2>/dev/null || true; }

serve() {
    local binlog=(--skip-log-bin)
    if [ -n "${MARIADB_SERVER_ID:-}" ]; then
        binlog=(--server-id="$MARIADB_SERVER_ID" --log-bin=mysql-bin --binlog-format=ROW
                --userstat=1)
    fi
    "$(find_server)" --no-defaults --datadir="$dir/data" --socket="$dir/mysqld.sock" \
        --pid-file="$dir/mysqld.pid" --port="$port" --bind-address=127.0.0.1 \
        --user="$(id -un)" --character-set-server=utf8mb4 \
        --collation-server=utf8mb4_unicode_ci --max-connections=500 \
        --innodb-buffer-pool-size=512M --innodb-flush-log-at-trx-commit=2 \
        "${binlog[@]}" >>"$dir/server.log" 2>&1 &
    for _ in $(seq 1 60); do
        mariadb --no-defaults --socket="$dir/mysqld.sock" -uroot -e "SELECT 1" >/dev/null 2>&1 && return
        sleep 0.5
    done
    echo "mariadb did not start; see $dir/server.log" >&2
    exit 1
}

halt() {
    if [ -f "$dir/mysqld.pid" ]; then
        kill "$(cat "$dir/mysqld.pid")" 2>/dev/null || true
        for _ in $(seq 1 60); do [ -f "$dir/mysqld.pid" ] || break; sleep 0.5; done
    fi
}

case "$action" in
start)
    if [ -z "$(find_server)" ]; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq --no-install-recommends mariadb-server mariadb-client >/dev/null
        # The package starts a system server; this script runs its own.
        (service mariadb stop || service mysql stop) >/dev/null 2>&1 || true
    fi
    rm -rf "$dir" && mkdir -p "$dir/data"
    mariadb-install-db --no-defaults --datadir="$dir/data" --user="$(id -un)" \
        --auth-root-authentication-method=socket >"$dir/install.log" 2>&1
    serve
    mariadb --no-defaults --socket="$dir/mysqld.sock" -uroot <<SQL
CREATE USER IF NOT EXISTS 'union'@'127.0.0.1' IDENTIFIED BY 'union';
GRANT ALL PRIVILEGES ON *.* TO 'union'@'127.0.0.1';
CREATE DATABASE IF NOT EXISTS union_test CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
SQL
    echo "mysql+pymysql://union:union@127.0.0.1:$port/union_test"
    ;;
stop)
    halt
    rm -rf "$dir"
    ;;
halt) halt ;;
serve) serve ;;
*) echo "usage: $0 start|stop|halt|serve DIR [PORT]" >&2; exit 2 ;;
esac

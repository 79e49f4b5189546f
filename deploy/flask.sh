#!/usr/bin/env bash
# An operator's Flask command, run the way the service runs: as the service user, with the
# settings of /etc/union/env.   From /srv/union:   sudo bash deploy/flask.sh db upgrade
# (UNION_USER and UNION_ENV_FILE choose another user or settings file.)
set -euo pipefail
cd "$(dirname "$0")/.."
user=${UNION_USER:-union}
env_file=${UNION_ENV_FILE:-/etc/union/env}
if [ "$(id -u)" = 0 ] && [ "$user" != root ]; then
    exec runuser -u "$user" -- env UNION_USER="$user" UNION_ENV_FILE="$env_file" \
        bash "$0" "$@"
fi
if [ ! -r "$env_file" ]; then
    echo "$env_file is not readable by $(id -un): install it as root:$user, mode 0640" >&2
    exit 1
fi
set -a
# shellcheck disable=SC1090
. "$env_file"
set +a
exec .venv/bin/flask --app wsgi "$@"

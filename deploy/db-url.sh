# Sourced by backup.sh and restore.sh: read the settings, and turn DATABASE_URL into a
# client defaults file (so the password never shows in the process list) and $db_name.
load_settings() {
    if [ -z "${DATABASE_URL:-}" ]; then
        local env_file=${UNION_ENV_FILE:-/etc/union/env}
        [ -r "$env_file" ] || { echo "DATABASE_URL is not set and $env_file is not readable" >&2; exit 1; }
        set -a
        # shellcheck disable=SC1090
        . "$env_file"
        set +a
    fi
    defaults=$(mktemp)
    chmod 0600 "$defaults"
    db_name=$(python3 - "$DATABASE_URL" "$defaults" <<'PY'
import sys
from urllib.parse import unquote, urlsplit
url = urlsplit(sys.argv[1])
if not url.scheme.startswith(("mysql", "mariadb")):
    sys.exit(f"DATABASE_URL is not a MySQL/MariaDB URL: {url.scheme}")
with open(sys.argv[2], "w") as out:
    out.write("[client]\n")
    out.write(f"host={url.hostname or '127.0.0.1'}\nport={url.port or 3306}\n")
    out.write(f"user={unquote(url.username or '')}\npassword={unquote(url.password or '')}\n")
print(url.path.lstrip("/"))
PY
)
}

#!/usr/bin/env bash
# A consistent backup of the service: the database (one mariadb-dump --single-transaction,
# so every table is as of one moment while sign-ups go on) and the uploads folder, in one
# dated folder with checksums; the newest KEEP backups (14) are kept, older ones removed.
#   bash deploy/backup.sh [DEST]         DEST: /var/backups/union unless given
# DATABASE_URL and UPLOAD_DIR come from the environment, or from the settings file
# (UNION_ENV_FILE, /etc/union/env) when DATABASE_URL is not set. The personal data in it
# stays encrypted: keep DATA_KEY and BLIND_INDEX_KEY apart from the backups, and safe.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/db-url.sh"
dest=${1:-/var/backups/union}
keep=${KEEP:-14}
load_settings

stamp=$(date -u +%Y%m%dT%H%M%S.%3NZ)
target=$dest/union-$stamp
partial=$target.partial
mkdir -p "$partial"
chmod 0700 "$dest" "$partial"
trap 'rm -rf "$partial" "$defaults"' EXIT

mariadb-dump --defaults-extra-file="$defaults" --single-transaction --quick \
    --routines --triggers --hex-blob --default-character-set=utf8mb4 \
    --databases "$db_name" | gzip -6 >"$partial/database.sql.gz"
if [ -d "${UPLOAD_DIR:-}" ]; then
    tar -C "$UPLOAD_DIR" -czf "$partial/uploads.tar.gz" .
else
    tar -czf "$partial/uploads.tar.gz" --files-from /dev/null
fi
(cd "$partial" && sha256sum database.sql.gz uploads.tar.gz >SHA256SUMS)
mv "$partial" "$target"
echo "backup written: $target"

# Retention: the newest $keep complete backups stay.
ls -1d "$dest"/union-*Z 2>/dev/null | sort | head -n "-$keep" | while read -r old; do
    rm -rf "$old"
    echo "removed old backup: $old"
done

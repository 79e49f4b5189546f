#!/usr/bin/env bash
# Put a backup of deploy/backup.sh back: the database and the uploads folder, replacing
# what is there. Stop the service first (systemctl stop union-web union-worker).
#   bash deploy/restore.sh BACKUP_DIR --yes
# DATABASE_URL and UPLOAD_DIR as for backup.sh. The checksums are verified before anything
# is touched.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/db-url.sh"
backup=${1:?usage: restore.sh BACKUP_DIR --yes}
[ "${2:-}" = --yes ] || { echo "this replaces the database and the uploads: add --yes" >&2; exit 2; }
load_settings
trap 'rm -f "$defaults"' EXIT

(cd "$backup" && sha256sum --check --quiet SHA256SUMS) || {
    echo "$backup: checksums do not match; nothing was restored" >&2; exit 1; }

mariadb --defaults-extra-file="$defaults" -e \
    "DROP DATABASE IF EXISTS \`$db_name\`; CREATE DATABASE \`$db_name\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
gunzip -c "$backup/database.sql.gz" | mariadb --defaults-extra-file="$defaults" "$db_name"
if [ -n "${UPLOAD_DIR:-}" ]; then
    mkdir -p "$UPLOAD_DIR"
    find "$UPLOAD_DIR" -mindepth 1 -delete
    tar -C "$UPLOAD_DIR" -xzf "$backup/uploads.tar.gz"
fi
echo "restored $backup into database $db_name and ${UPLOAD_DIR:-(no uploads folder)}"

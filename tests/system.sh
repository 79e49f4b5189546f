#!/usr/bin/env bash
# The Debian packages the suite drives for real, installed when absent: headless Chromium
# for the web pages (with CJK fonts so screenshots show the Chinese), Redis for the tests
# that share state across processes, nginx for the deploy config check.
set -euo pipefail
missing=()
command -v chromium >/dev/null || missing+=(chromium)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v nginx >/dev/null || missing+=(nginx-light)
command -v systemd-analyze >/dev/null || missing+=(systemd)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "tests need these Debian packages: ${missing[*]} (apt-get install them as root)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The packages may start system services; the tests run servers of their own.
(service redis-server stop; service nginx stop) >/dev/null 2>&1 || true

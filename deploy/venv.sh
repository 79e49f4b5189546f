#!/usr/bin/env bash
# The project's .venv with the pinned, hash-checked packages: deploy/venv.sh runtime|test
# Installs only when the lock file (or setup.cfg) changed since the last install; the test
# set holds the runtime set at the same versions, so it serves both.
set -euo pipefail
cd "$(dirname "$0")/.."
want=${1:-runtime}
lock=requirements/$want.txt
stamp() { cat "requirements/$1.txt" setup.cfg pyproject.toml | sha256sum | cut -c1-16; }
[ -x .venv/bin/python ] || python3 -m venv .venv
for have in "$want" test; do
    if [ "$(cat ".venv/.installed-$have" 2>/dev/null)" = "$(stamp "$have")" ]; then
        exit 0
    fi
done
.venv/bin/python -m pip install --quiet --require-hashes -r "$lock"
.venv/bin/python -m pip install --quiet --no-deps -e .
stamp "$want" >".venv/.installed-$want"

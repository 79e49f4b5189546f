#!/usr/bin/env bash
# Re-pin every Python dependency, with hashes, from setup.cfg's ranges:
#   bash requirements/lock.sh            (commit the two .txt files it writes)
# runtime.txt serves demo.sh and deploy; test.txt (runtime + the test extras, the same
# versions) serves tests/run.sh and CI.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
python3 -m venv "$tools"
"$tools/bin/pip" install --quiet pip-tools==7.6.2
compile() {
    "$tools/bin/pip-compile" --quiet --generate-hashes --allow-unsafe --strip-extras \
        --no-emit-index-url --no-emit-find-links --no-emit-trusted-host \
        --annotation-style=line "$@" setup.cfg
}
compile --extra test --output-file requirements/test.txt
compile --constraint requirements/test.txt --output-file requirements/runtime.txt

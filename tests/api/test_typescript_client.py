"""A front end can build on the document: TypeScript types generated from it
(openapi-typescript) type-check the mini-program's main calls, and refuse wrong ones."""

import json
import subprocess

import pytest

from tests.servers import ROOT

pytestmark = pytest.mark.slow
HERE = ROOT / "tests" / "typescript"


def _run(*command, check=True):
    result = subprocess.run(command, cwd=HERE, capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_generated_types_check_the_mini_program_calls(client):
    if not (HERE / "node_modules" / ".bin" / "tsc").exists():
        _run("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
    build = HERE / "build"
    build.mkdir(exist_ok=True)
    (build / "openapi.json").write_text(json.dumps(client.get("/api/v1/openapi.json").get_json()))
    _run("node_modules/.bin/openapi-typescript", "build/openapi.json", "-o", "build/api.d.ts")

    _run("node_modules/.bin/tsc", "-p", "tsconfig.json")

    wrong = _run("node_modules/.bin/tsc", "--strict", "--noEmit", "--skipLibCheck", "wrong.ts",
                 check=False)
    assert wrong.returncode != 0
    assert "'codes' does not exist" in wrong.stdout
    assert "distance_m" in wrong.stdout or "not assignable to type 'string'" in wrong.stdout

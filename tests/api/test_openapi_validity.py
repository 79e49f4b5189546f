"""The OpenAPI document is valid, and what it publishes means the same in JavaScript."""

import json
import subprocess

from openapi_spec_validator import validate


def _patterns(node, path="#"):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield path, value
            else:
                yield from _patterns(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _patterns(value, f"{path}/{index}")


def test_document_validates(client):
    validate(client.get("/api/v1/openapi.json").get_json())


def test_every_pattern_means_the_same_in_javascript(client):
    document = client.get("/api/v1/openapi.json").get_json()
    patterns = dict(_patterns(document))
    assert patterns, "the join scene at least has a pattern"
    script = """
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = {};
for (const [where, [pattern, samples]] of Object.entries(cases)) {
  const re = new RegExp(pattern, 'u');
  out[where] = samples.map(s => re.test(s));
}
console.log(JSON.stringify(out));
"""
    import re

    cases = {}
    for where, pattern in patterns.items():
        samples = ["abc123", "q8Rt-2", "abcZ", "a\n", "x" * 40, ""]
        cases[where] = [pattern, samples]
    result = subprocess.run(["node", "-e", script], input=json.dumps(cases), text=True,
                            capture_output=True, check=True)
    in_javascript = json.loads(result.stdout)
    for where, (pattern, samples) in cases.items():
        in_python = [re.fullmatch(pattern, s) is not None for s in samples]
        assert in_javascript[where] == in_python, (where, pattern)


def test_scene_pattern_in_the_document_accepts_a_real_scene(client):
    document = client.get("/api/v1/openapi.json").get_json()
    scene_patterns = {p for where, p in _patterns(document) if "scene" in where.lower()}
    assert scene_patterns
    for pattern in scene_patterns:
        assert not pattern.endswith("\\Z")
        assert pattern.startswith("^") and pattern.endswith("$")

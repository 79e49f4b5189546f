"""The OpenAPI document speaks Chinese to the front end: every operation has a Chinese summary
and every tag a Chinese description."""

import re

import pytest

METHODS = {"get", "post", "put", "patch", "delete"}
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def test_every_operation_has_a_chinese_summary(spec):
    operations = [(method, path, operation) for path, item in spec["paths"].items()
                  for method, operation in item.items() if method in METHODS]
    assert len(operations) > 40
    for method, path, operation in operations:
        summary = operation.get("summary", "")
        assert CJK.search(summary), f"{method.upper()} {path}: {summary!r}"
        description = operation.get("description")
        if description:
            assert CJK.search(description), f"{method.upper()} {path}: {description!r}"


def test_every_tag_has_a_chinese_description(spec):
    tags = spec.get("tags", [])
    assert tags
    used = {tag for item in spec["paths"].values() for method, operation in item.items()
            if method in METHODS for tag in operation.get("tags", [])}
    assert used <= {tag["name"] for tag in tags}
    for tag in tags:
        assert CJK.search(tag.get("description", "")), tag["name"]

"""The API's contract outlives the rebuild of the house (issue #15): every path, method,
parameter, response status and field of the schema before the rebuild is still in the schema
the app serves (it may have more). Coalitions' own scripts rely on them.

``tests/data/api_schema_before_house.json`` is a digest of ``/api/schema/`` as it was served at
commit fa06fd1, before the packages moved: per path and method its parameters and response
statuses, and per component its property names and enum values."""

import json
from pathlib import Path

import pytest

BEFORE = json.loads(
    (Path(__file__).resolve().parent / "data" / "api_schema_before_house.json").read_text()
)


@pytest.fixture(scope="module")
def schema():
    from django.test import Client

    response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_every_path_and_method_is_still_served_with_its_parameters_and_statuses(schema):
    missing = []
    for path, methods in BEFORE["paths"].items():
        served = schema["paths"].get(path, {})
        for method, before in methods.items():
            operation = served.get(method)
            if operation is None:
                missing.append(f"{method.upper()} {path}")
                continue
            parameters = {f"{p['in']}:{p['name']}" for p in operation.get("parameters", [])}
            lost = set(before["parameters"]) - parameters
            missing += [f"{method.upper()} {path} takes {name}" for name in sorted(lost)]
            lost = set(before["responses"]) - set(operation.get("responses", {}))
            missing += [f"{method.upper()} {path} answers {status}" for status in sorted(lost)]
    assert missing == []


def test_every_schema_keeps_its_fields_and_enum_values(schema):
    components = schema["components"]["schemas"]
    missing = []
    for name, before in BEFORE["schemas"].items():
        now = components.get(name)
        if now is None:
            missing.append(name)
            continue
        missing += [
            f"{name}.{field}"
            for field in before.get("properties", [])
            if field not in now.get("properties", {})
        ]
        values = {str(value) for value in now.get("enum", [])}
        missing += [f"{name} = {value}" for value in before.get("enum", []) if value not in values]
    assert missing == []

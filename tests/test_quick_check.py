"""The shortcut past jsonschema never lets through what Connexion's request validator refuses."""

from __future__ import annotations

from typing import Any

import pytest
from connexion.json_schema import Draft4RequestValidator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator

from mock_server import openapi as spec
from mock_server.speedups.quick_check import quick_check

# These test the speed-ups themselves; the stock pass of `make test` leaves them out.
pytestmark = pytest.mark.speedups

DOCUMENT = spec.served("b2baccounts.yaml")


def _bodies() -> dict[str, dict[str, Any]]:
    """Each operation's request body schema as Connexion validates it (components attached)."""
    found = {}
    for item in DOCUMENT["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                media = operation["requestBody"]["content"]["application/json"]
                found[operation["operationId"]] = {**media["schema"],
                                                   "components": DOCUMENT["components"]}
    return found


BODIES = _bodies()
NAMES = sorted({name for schema in DOCUMENT["components"]["schemas"].values()
                for name in schema.get("properties", {})} | {"unknownField"})
leaves = st.one_of(
    st.none(), st.booleans(), st.sampled_from([0, 1, 2, 3, -1, 2 ** 31, 1.5, 1e300]),
    st.sampled_from(["", "a", "a@b.example", "8c5b3e2f6a1d4c0e9b7a5f3d2c1e0b9a", "x" * 300,
                     "2024-02-01T10:00:00Z", "not a date", "Tenant", "  "]),
    st.text(max_size=6))
json_values = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=3),
    st.dictionaries(st.sampled_from(NAMES), inner, max_size=5)), max_leaves=12)
VALID = {
    "AddUser": {"b2BUser": {"emailAddress": "bench1@load.example.com", "firstName": "B",
                            "roles": [{"roleId": 1}]}},
    "UpdateUser": {"firstName": "Renamed", "lastName": "L", "isActive": True},
}


@pytest.mark.parametrize("operation", sorted(BODIES))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=json_values)
def test_a_body_the_shortcut_passes_is_valid(operation: str, body: Any) -> None:
    schema = BODIES[operation]
    passes = quick_check(schema)
    if passes is not None and passes(body):
        validator = Draft4RequestValidator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)
        assert not list(validator.iter_errors(body))


@pytest.mark.parametrize("operation", sorted(VALID))
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_a_valid_body_changed_in_one_place_is_judged_soundly(operation: str, data: Any) -> None:
    schema, body = BODIES[operation], VALID[operation]
    passes = quick_check(schema)
    assert passes is not None and passes(body)  # the benchmarked writes take the shortcut
    changed = _change(body, data)
    if passes(changed):
        validator = Draft4RequestValidator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)
        assert not list(validator.iter_errors(changed))


def _change(value: Any, data: Any) -> Any:
    """``value`` with one member replaced, added or removed, somewhere inside it."""
    if isinstance(value, dict) and value:
        key = data.draw(st.sampled_from(sorted(value) + ["<new>"]))
        copy = dict(value)
        if key == "<new>":
            copy[data.draw(st.sampled_from(NAMES))] = data.draw(leaves)
        elif data.draw(st.booleans()):
            copy[key] = _change(value[key], data)
        else:
            del copy[key]
        return copy
    if isinstance(value, list) and value:
        index = data.draw(st.integers(0, len(value) - 1))
        return value[:index] + [_change(value[index], data)] + value[index + 1:]
    return data.draw(leaves)


@pytest.mark.parametrize("schema", [
    {"oneOf": [{"type": "string"}, {"type": "integer"}]},
    {"type": ["string", "null"]},
    {"not": {"type": "string"}},
    {"$ref": "#/nowhere"},
    {"items": [{"type": "string"}]},
])
def test_schemas_it_does_not_know_get_no_shortcut(schema: dict[str, Any]) -> None:
    assert quick_check(schema) is None


@pytest.mark.parametrize("schema, good, bad", [
    ({"type": "object", "properties": {"a": {"type": "integer"}}, "additionalProperties": False},
     {"a": 1}, {"a": 1, "b": 2}),
    ({"type": "object", "additionalProperties": {"type": "string", "maxLength": 2}},
     {"x": "ab"}, {"x": "abc"}),
    ({"type": "array", "minItems": 1, "maxItems": 2, "items": {"type": "boolean"}},
     [True], [True, 1]),
    ({"type": "string", "enum": ["Tenant", "Site"], "nullable": True}, None, "tenant"),
    ({"type": "string", "format": "date-time"}, "2024-02-01T10:00:00Z", "yesterday"),
    ({"allOf": [{"required": ["id"]}, {"properties": {"id": {"minimum": 1}}}]},
     {"id": 1}, {"id": 0}),
    ({"type": "number", "minimum": 0, "exclusiveMinimum": True}, 0.5, 0),
])
def test_the_shortcut_follows_each_keyword(schema: dict[str, Any], good: Any, bad: Any) -> None:
    passes = quick_check(schema)
    validator = Draft4RequestValidator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)
    assert passes is not None and passes(good) and not list(validator.iter_errors(good))
    assert not passes(bad) and list(validator.iter_errors(bad))

"""Loading the OpenAPI documents, and the facts the domain reads from them.

The spec is the single source of truth: the fields a filter or a sort may name, and their types,
come from the response schemas rather than from a second list kept by hand.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from . import openapi

load = openapi.load
served = openapi.served
inline_path_parameters = openapi.inline_path_parameters
parameter_key = openapi.parameter_key


def _schema(name: str) -> dict[str, Any]:
    return load()["components"]["schemas"][name]


def _scalar_type(prop: dict[str, Any]) -> str | None:
    if "$ref" in prop:
        return _scalar_type(_schema(prop["$ref"].rsplit("/", 1)[-1]))
    kind = prop.get("type")
    if kind == "string" and prop.get("format") == "date-time":
        return "date-time"
    if kind in ("string", "integer", "number", "boolean"):
        return kind
    return None


@cache
def field_types(schema_name: str) -> dict[str, str]:
    """Filterable/sortable fields of a response schema: scalar properties and audit dates."""
    types: dict[str, str] = {}
    for name, prop in _schema(schema_name).get("properties", {}).items():
        scalar = _scalar_type(prop)
        if scalar:
            types[name] = scalar
        elif prop.get("$ref", "").endswith("/AuditInfo"):
            for audit_name, audit_prop in _schema("AuditInfo")["properties"].items():
                audit_type = _scalar_type(audit_prop)
                if audit_type:
                    types[f"{name}.{audit_name}"] = audit_type
    return types


@cache
def writable_fields(schema_name: str) -> dict[str, str]:
    """Scalar fields a client may set, from an input schema."""
    return {name: kind for name, prop in _schema(schema_name).get("properties", {}).items()
            if (kind := _scalar_type(prop))}


@cache
def pattern(schema_name: str, prop: str) -> re.Pattern[str]:
    """The ``pattern`` the spec gives a property, compiled: the domain checks what the spec says."""
    definition = _schema(schema_name)["properties"][prop]
    while "$ref" in definition:
        definition = _schema(definition["$ref"].rsplit("/", 1)[-1])
    return re.compile(definition["pattern"])

"""Loading the OpenAPI documents, and the facts the domain reads from them.

The spec is the single source of truth: the fields a filter or a sort may name, and their types,
come from the response schemas rather than from a second list kept by hand.
"""

from __future__ import annotations

import copy
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

SPEC_DIR = Path(__file__).resolve().parent.parent / "openapi"


def spec_path(name: str) -> Path:
    return SPEC_DIR / name


# libyaml's loader when PyYAML was built with it: the B2B document parses in 16 ms instead of
# 100 ms in pure Python on this machine.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(name: str = "b2baccounts.yaml") -> dict[str, Any]:
    """A spec document, parsed once per process (shared: never change it, see ``served``)."""
    return _parsed(name)


@cache
def _parsed(name: str) -> dict[str, Any]:
    with open(spec_path(name), encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_LOADER)


HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def served(name: str) -> dict[str, Any]:
    """A private copy of a document for Connexion, its path-level parameters moved into each
    operation (``inline_path_parameters``)."""
    document = copy.deepcopy(load(name))
    inline_path_parameters(document)
    return document


def inline_path_parameters(document: dict[str, Any]) -> None:
    """Give each operation its path's parameters itself, and drop them from the path.

    Connexion 3.3 appends a path's parameters to its operation's own list in place, once for
    every layer that reads the operation (six of them): GetB2BAccount validated its tenant and
    site headers six times each, and a shared document grew with every app built. An
    operation's own parameter overrides the path's of the same name and location, as OpenAPI
    says.
    """
    for item in document.get("paths", {}).values():
        shared = item.pop("parameters", [])
        for method in HTTP_METHODS:
            if shared and method in item:
                own = item[method].setdefault("parameters", [])
                named = {parameter_key(document, p) for p in own}
                own.extend(p for p in shared if parameter_key(document, p) not in named)


def parameter_key(document: dict[str, Any], parameter: dict[str, Any]) -> tuple[str, str]:
    """A parameter's (name, location), following ``$ref`` into the document's components."""
    while "$ref" in parameter:
        parameter = document["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[-1]]
    return parameter["name"], parameter["in"]


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

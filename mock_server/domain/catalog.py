"""The facts the domain reads from the spec: which fields a filter or a sort may name and their
types, which fields a client may write, the patterns a value must match.

The spec is the single source of truth: these come from its schemas rather than from a second
list kept by hand. A ``Catalog`` is built from a parsed document (the caller reads the file).
"""

from __future__ import annotations

import re
from typing import Any


class Catalog:
    """Field facts of one OpenAPI document, worked out once per schema."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self._field_types: dict[str, dict[str, str]] = {}
        self._writable: dict[str, dict[str, str]] = {}
        self._patterns: dict[tuple[str, str], re.Pattern[str]] = {}

    def _schema(self, name: str) -> dict[str, Any]:
        schema: dict[str, Any] = self.document["components"]["schemas"][name]
        return schema

    def _scalar_type(self, prop: dict[str, Any]) -> str | None:
        if "$ref" in prop:
            return self._scalar_type(self._schema(prop["$ref"].rsplit("/", 1)[-1]))
        kind = prop.get("type")
        if kind == "string" and prop.get("format") == "date-time":
            return "date-time"
        if kind in ("string", "integer", "number", "boolean"):
            return str(kind)
        return None

    def field_types(self, schema_name: str) -> dict[str, str]:
        """Filterable/sortable fields of a response schema: its scalar properties, those of the
        objects it holds by a dotted name (``address.cityOrTown``), the dates and names of its
        audit block both nested (``auditInfo.createDate``) and flattened (``createDate``), as
        the service's examples filter and sort on them. A schema marked
        ``x-b2b-audited`` keeps an audit block it does not answer; its flattened names count too.
        """
        found = self._field_types.get(schema_name)
        if found is None:
            found = self._field_types[schema_name] = {}
            schema = self._schema(schema_name)
            for name, prop in schema.get("properties", {}).items():
                scalar = self._scalar_type(prop)
                if scalar:
                    found[name] = scalar
                elif prop.get("$ref", "").endswith("/AdminUserAuditInfo"):
                    found.update({f"{name}.{audit}": kind
                                  for audit, kind in self._audit_fields().items()})
                    found.update(self._audit_fields())
                elif "$ref" in prop:  # a nested object: its own scalars, by a dotted name
                    nested = self._schema(prop["$ref"].rsplit("/", 1)[-1])
                    for inner, inner_prop in nested.get("properties", {}).items():
                        inner_kind = self._scalar_type(inner_prop)
                        if inner_kind:
                            found[f"{name}.{inner}"] = inner_kind
            if schema.get("x-b2b-audited"):
                found.update(self._audit_fields())
        return found

    def _audit_fields(self) -> dict[str, str]:
        audit = self._schema("AdminUserAuditInfo")["properties"]
        return {name: kind for name, prop in audit.items()
                if (kind := self._scalar_type(prop)) is not None}

    def writable_fields(self, schema_name: str) -> dict[str, str]:
        """Scalar fields a client may set, from an input schema."""
        found = self._writable.get(schema_name)
        if found is None:
            found = self._writable[schema_name] = {
                name: kind for name, prop in self._schema(schema_name).get("properties", {}).items()
                if (kind := self._scalar_type(prop))}
        return found

    def pattern(self, schema_name: str, prop: str) -> re.Pattern[str]:
        """The ``pattern`` the spec gives a property, compiled: the domain checks what the spec
        says (seeds reach the domain without the HTTP layer's validation)."""
        key = (schema_name, prop)
        if key not in self._patterns:
            definition = self._schema(schema_name)["properties"][prop]
            while "$ref" in definition:
                definition = self._schema(definition["$ref"].rsplit("/", 1)[-1])
            self._patterns[key] = re.compile(definition["pattern"])
        return self._patterns[key]

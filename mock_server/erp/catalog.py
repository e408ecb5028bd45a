"""The shapes of the ERP twin's entities, read from its spec (``erp.yaml``).

The spec is the single source of truth here as for the B2B API: an entity's fields and their
value types come from its schema's properties (``{"$ref": ".../StringValue"}`` is a text field),
a property that refers to another object is a linked entity, an array of objects a detail list,
and the schema's ``x-erp-entity`` block names what a schema cannot say: the store table, the key
fields, the field the ERP numbers itself, the read-only fields, the custom fields the ERP knows
and the values a drop-down field allows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SYSTEM_FIELDS = frozenset({"id", "rowNumber", "note", "custom", "_links", "error", "files",
                           "delete"})
VALUE_KINDS = {"StringValue": "String", "IntValue": "Int", "ShortValue": "Short",
               "BooleanValue": "Boolean", "DecimalValue": "Decimal",
               "DateTimeValue": "DateTime", "GuidValue": "Guid"}
CUSTOM_KINDS = {"CustomStringField": "String", "CustomIntField": "Int",
                "CustomShortField": "Short", "CustomLongField": "Int",
                "CustomByteField": "Int", "CustomBooleanField": "Boolean",
                "CustomDecimalField": "Decimal", "CustomDoubleField": "Decimal",
                "CustomDateTimeField": "DateTime", "CustomGuidField": "Guid"}


@dataclass
class Shape:
    """An entity's fields: values by kind, linked entities, detail lists."""

    name: str
    fields: dict[str, str] = field(default_factory=dict)
    linked: dict[str, Shape] = field(default_factory=dict)
    details: dict[str, Shape] = field(default_factory=dict)


@dataclass
class Entity:
    """A top-level entity of the endpoint (``Customer``, ``Contact``, ``CustomerLocation``)."""

    shape: Shape
    table: str
    keys: tuple[str, ...]
    numbered: str | None = None
    read_only: frozenset[str] = frozenset()
    custom: dict[str, str] = field(default_factory=dict)  # "View.Field" -> CustomXField
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.shape.name


class ErpCatalog:
    """The entities of one ERP spec document."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self._shapes: dict[str, Shape] = {}
        self.entities: dict[str, Entity] = {}
        for name, schema in document["components"]["schemas"].items():
            facts = schema.get("x-erp-entity")
            if facts:
                self.entities[name] = Entity(
                    shape=self.shape(name), table="erp/" + facts["table"],
                    keys=tuple(facts["keys"]), numbered=facts.get("numbered"),
                    read_only=frozenset(facts.get("read-only", ())),
                    custom=dict(facts.get("custom", {})),
                    choices={k: tuple(v) for k, v in facts.get("choices", {}).items()})

    def entity(self, name: str) -> Entity:
        return self.entities[name]

    def shape(self, name: str) -> Shape:
        found = self._shapes.get(name)
        if found is not None:
            return found
        found = self._shapes[name] = Shape(name)
        for prop, spec in self.document["components"]["schemas"][name]["properties"].items():
            if prop in SYSTEM_FIELDS:
                continue
            ref = _ref(spec)
            if ref in VALUE_KINDS:
                found.fields[prop] = VALUE_KINDS[ref]
            elif ref is not None:
                found.linked[prop] = self.shape(ref)
            elif spec.get("type") == "array" and _ref(spec.get("items", {})):
                found.details[prop] = self.shape(str(_ref(spec["items"])))
        return found


def _ref(spec: dict[str, Any]) -> str | None:
    ref = spec.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None

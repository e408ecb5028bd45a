"""Hypothesis strategies for the strings the spec marks with the service's own formats.

The filter, sortBy and responseFields parameters are small languages a JSON schema cannot
describe; the spec names them with ``format: b2b-filter-<resource>`` and friends, and these
strategies generate valid sentences of them from the resource's fields in the spec. Registered
with schemathesis, they make its "schema-valid data is accepted" check meaningful for lists.
"""

from __future__ import annotations

from datetime import datetime, timezone

import schemathesis
from hypothesis import strategies as st

from mock_server.service import b2b_catalog

RESOURCES = {"account": "B2BAccount", "user": "B2BUser", "attribute": "CustomerAttribute"}

OPERATORS = {
    "string": ["eq", "ne", "gt", "lt", "ge", "le", "sw", "cont", "in"],
    "integer": ["eq", "ne", "gt", "lt", "ge", "le", "in"],
    "number": ["eq", "ne", "gt", "lt", "ge", "le", "in"],
    "boolean": ["eq", "ne", "in"],
    "date-time": ["eq", "ne", "gt", "lt", "ge", "le"],
}


def quoted(text: str) -> str:
    """A quoted filter literal: the filter language reads a backslash as an escape, so a literal
    backslash is doubled like the quote (unescaped, a value ending in one left the string open)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def literal(kind: str) -> st.SearchStrategy[str]:
    """A filter literal of the field's type, written as a client would."""
    if kind == "integer":
        return st.integers(-(2**31), 2**31 - 1).map(str)
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False, width=32).map(repr)
    if kind == "boolean":
        return st.sampled_from(["true", "false", "'true'", "'false'"])
    if kind == "date-time":
        moments = st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1),
                               timezones=st.just(timezone.utc))
        return moments.map(lambda d: d.isoformat().replace("+00:00", "Z")).map(quoted)
    return st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                   max_size=10).map(quoted)


def comparison(fields: dict[str, str]) -> st.SearchStrategy[str]:
    def build(name: str) -> st.SearchStrategy[str]:
        kind = fields[name]
        op = st.sampled_from(OPERATORS[kind])

        def value_for(operator: str) -> st.SearchStrategy[str]:
            if operator == "in":
                return st.lists(literal(kind), min_size=1, max_size=3).map(
                    lambda vs: "[" + ", ".join(vs) + "]")
            if operator in ("eq", "ne"):
                return st.one_of(literal(kind), st.just("null"))
            return literal(kind)

        return op.flatmap(lambda o: value_for(o).map(lambda v: f"{name} {o} {v}"))

    return st.sampled_from(sorted(fields)).flatmap(build)


def filters(fields: dict[str, str]) -> st.SearchStrategy[str]:
    """Valid filter expressions over ``fields``: comparisons joined by and/or, some grouped.

    Flat lists rather than ``st.recursive``: schemathesis draws many single examples from
    format strategies, and a recursive one made that ten times slower.
    """
    def group(items: list[tuple[str, str]]) -> str:
        text = items[0][0]
        for comp, joiner in items[1:]:
            text = f"({text}) {joiner} {comp}" if joiner == "and" else f"{text} {joiner} {comp}"
        return text

    return st.lists(st.tuples(comparison(fields), st.sampled_from(["and", "or"])),
                    min_size=1, max_size=3).map(group)


def sorts(fields: dict[str, str]) -> st.SearchStrategy[str]:
    clause = st.tuples(st.sampled_from(sorted(fields)), st.sampled_from(["", " asc", " desc"]))
    return st.lists(clause, min_size=1, max_size=3).map(
        lambda clauses: ", ".join(f"{name}{direction}" for name, direction in clauses))


def response_fields() -> st.SearchStrategy[str]:
    names = st.sampled_from(["id", "externalId", "companyOrOrganization", "userId",
                             "emailAddress", "roles", "totalCount", "startIndex", "values",
                             "fullyQualifiedName"])
    flat = st.lists(names, min_size=1, max_size=4).map(",".join)
    return st.one_of(flat, st.tuples(flat, flat).map(lambda p: f"items({p[0]}),{p[1]}"))


def register() -> None:
    """Teach schemathesis the spec's own string formats."""
    for resource, schema_name in RESOURCES.items():
        fields = b2b_catalog().field_types(schema_name)
        schemathesis.openapi.format(f"b2b-filter-{resource}", filters(fields))
        schemathesis.openapi.format(f"b2b-sort-{resource}", sorts(fields))
    schemathesis.openapi.format("b2b-response-fields", response_fields())

"""What an operation reads from a request, worked out once from its parameter definitions.

Connexion 3.3 parses and types the query string and the path again in each layer that needs
them (validation, then the handler's arguments), and re-derives on every request what the
definitions say: which parameters there are, their defaults, their schemas. A ``RequestPlan``
holds those answers per operation and reads a request once, straight from the ASGI scope, with
Connexion's rules: the last of repeated query values wins, a value that does not convert to its
type stays a string and fails its schema, query parameters come before path and header ones
when it comes to which error is reported. The validation layer stores what it read in the scope
(``ARGUMENTS_KEY``, and the parsed JSON body under ``BODY_KEY``) for the handler's layer.

Operations with parameters of other kinds (arrays, objects, cookies, form bodies) get no plan
and go through Connexion's own code.
"""

from __future__ import annotations

import copy
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import parse_qsl

from connexion.exceptions import BadRequestProblem
from connexion.utils import boolean, is_json_mimetype, is_null, is_nullable
from jsonschema import Draft4Validator

from ..http.validation import parameter_problem
from .quick_check import Check
from .schema_checks import compiled_validator, shortcut

ARGUMENTS_KEY = "b2b_mock.arguments"
BODY_KEY = "b2b_mock.body"

_LOCATIONS = ("query", "path", "header")
_CONVERTERS: dict[str, Callable[[str], Any]] = {"integer": int, "number": float,
                                                 "boolean": boolean}
_SCALARS = {"string", "integer", "number", "boolean"}
_NO_DEFAULT = object()


@dataclass(frozen=True)
class _Rule:
    """One parameter: where it is read from, how it is typed and checked."""

    name: str
    location: str
    key: str  # the name as it appears in its source (lower case for headers)
    required: bool
    nullable: bool
    convert: Callable[[str], Any] | None
    validator: Draft4Validator
    passes: Check | None  # a shortcut for values surely valid (quick_check)
    default: Any  # a scalar (only scalar parameters get rules), so handed out as it is

    def read(self, raw: str | None) -> Any:
        """The value to check and pass on: typed when it converts, as sent when it does not."""
        if raw is None or self.convert is None:
            return raw
        try:
            return self.convert(raw)
        except ValueError:
            return raw

    def error(self, value: Any) -> str | None:
        return parameter_problem(self.location, self.name, value, self.required, self.validator,
                                 self.passes)


class RequestPlan:
    """The parameters of one operation, read, typed and checked in one pass per request."""

    def __init__(self, rules: list[_Rule], body_name: str | None, body_default: Any,
                 body_nullable: bool) -> None:
        self.rules = rules
        self.body_name = body_name
        self._body_default = body_default
        self._body_nullable = body_nullable
        self._header_keys = frozenset(r.key.encode("latin-1") for r in rules
                                      if r.location == "header")

    def read(self, scope: MutableMapping[str, Any]) -> dict[str, Any]:
        """The request's parameter values by spec name (query defaults filled in); headers are
        checked but not returned, as Connexion passes none to handlers.

        Raises ``BadRequestProblem`` naming the first parameter that fails.
        """
        query: dict[str, str] | None = None
        headers: dict[str, str] | None = None
        path: dict[str, Any] = scope.get("path_params") or {}
        found: dict[str, Any] = {}
        for rule in self.rules:
            if rule.location == "query":
                if query is None:
                    raw_query = scope.get("query_string", b"")
                    query = dict(parse_qsl(raw_query.decode("latin-1"), keep_blank_values=True)
                                 ) if raw_query else {}
                raw = query.get(rule.key)
            elif rule.location == "path":
                raw = path.get(rule.key)
            else:
                if headers is None:
                    headers = self._headers(scope["headers"])
                raw = headers.get(rule.key)
            if raw is None and not rule.required:  # absent and optional: nothing to check
                if rule.default is not _NO_DEFAULT and rule.location != "header":
                    found[rule.name] = rule.default
                continue
            if rule.nullable and is_null(raw):
                if raw is not None and rule.location != "header":
                    found[rule.name] = None
                elif rule.default is not _NO_DEFAULT:
                    found[rule.name] = rule.default
                continue
            value = rule.read(raw)
            error = rule.error(value)
            if error:
                raise BadRequestProblem(detail=error)
            if rule.location == "header":
                continue
            if value is not None:
                found[rule.name] = value
            elif rule.default is not _NO_DEFAULT:
                found[rule.name] = rule.default
        return found

    def _headers(self, raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
        """The plan's headers as sent (the first of repeated ones), by lower-case name."""
        wanted = self._header_keys
        headers: dict[str, str] = {}
        for key, value in raw:
            key = key.lower()
            if key in wanted:
                headers.setdefault(key.decode("latin-1"), value.decode("latin-1"))
        return headers

    def body_argument(self, body: Any) -> Any:
        """The handler's body argument for a parsed JSON body (None when none was sent)."""
        if self._body_nullable and is_null(body):
            return None
        if body is None:
            return copy.deepcopy(self._body_default)
        return body


def plan_for(operation: Any) -> RequestPlan | None:
    """The plan of a Connexion operation, or None when it needs Connexion's general code."""
    if any(p["in"] not in _LOCATIONS for p in operation.parameters):
        return None
    rules: list[_Rule] = []
    for location in _LOCATIONS:
        for parameter in operation.parameters:
            if parameter["in"] == location:
                rule = _rule(parameter)
                if rule is None:
                    return None
                rules.append(rule)
    body_name, body_default, body_nullable = None, None, False
    if operation.request_body:
        consumes = operation.consumes
        if len(consumes) != 1 or not is_json_mimetype(consumes[0]):
            return None
        schema = operation.body_schema(consumes[0])
        body_name = operation.body_name(consumes[0])
        body_default = schema.get("default", {})
        body_nullable = is_nullable(schema)
    return RequestPlan(rules, body_name, body_default, body_nullable)


def _rule(parameter: dict[str, Any]) -> _Rule | None:
    schema = parameter.get("schema", parameter)
    kind = schema.get("type", "string")
    if kind not in _SCALARS or parameter.get("content") or \
            (parameter["in"] == "query" and "[" in parameter["name"]):
        return None
    location = parameter["in"]
    key = parameter["name"]
    if location == "header":
        key = key.lower()
    elif location == "path":
        key = key.replace("-", "_")
    default = _NO_DEFAULT
    if location == "query":
        default = parameter.get("default", schema.get("default", _NO_DEFAULT))
    return _Rule(name=parameter["name"], location=location, key=key,
                 required=bool(parameter.get("required")), nullable=is_nullable(parameter),
                 convert=_CONVERTERS.get(kind) if location != "header" else None,
                 validator=compiled_validator(schema), passes=shortcut(schema),
                 default=default)


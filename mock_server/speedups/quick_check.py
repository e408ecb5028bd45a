"""A shortcut past jsonschema for values that surely pass: a check compiled from a schema.

jsonschema walks a schema anew for every value, which costs more than the rest of a small
request's validation. ``quick_check`` compiles a schema into plain Python tests that pass only values
Connexion's request validator (draft 4, plus OpenAPI's ``nullable`` on ``type`` and ``enum``)
accepts too. A value that passes is valid; one that does not goes to jsonschema, which decides and
words the error. So the shortcut can only be incomplete, never wrong; schemas with keywords it
does not know (``oneOf``, ``not``, ...) get no shortcut at all.
"""

from __future__ import annotations

from typing import Any, Callable

from jsonschema import Draft4Validator

from ..http.validation import ecma_pattern

Check = Callable[[Any], bool]

_ANNOTATIONS = {"description", "title", "example", "examples", "default", "readOnly",
                "writeOnly", "deprecated", "externalDocs", "xml", "discriminator"}
_KNOWN = _ANNOTATIONS | {"type", "nullable", "enum", "format", "allOf", "properties", "required",
                         "additionalProperties", "items", "minItems", "maxItems", "minimum",
                         "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength",
                         "maxLength", "pattern", "$ref", "components"}
_TYPES: dict[str, tuple[type, ...]] = {"integer": (int,), "number": (int, float),
                                       "string": (str,), "boolean": (bool,), "object": (dict,),
                                       "array": (list,), "null": (type(None),)}
_FORMATS = Draft4Validator.FORMAT_CHECKER


def quick_check(schema: dict[str, Any], root: dict[str, Any] | None = None) -> Check | None:
    """The shortcut for ``schema`` (``$ref``s resolved against ``root``, by default the schema
    itself), or None when it uses something the shortcut does not know."""
    try:
        return _compile(schema, root if root is not None else schema, ())
    except _NoShortcut:
        return None


class _NoShortcut(Exception):
    pass


def _compile(schema: Any, root: dict[str, Any], refs: tuple[str, ...]) -> Check:
    if not isinstance(schema, dict):
        raise _NoShortcut
    if "$ref" in schema:  # draft 4: a reference replaces its siblings
        ref = schema["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/") or ref in refs:
            raise _NoShortcut
        target: Any = root
        for part in ref[2:].split("/"):
            if not isinstance(target, dict) or part not in target:
                raise _NoShortcut
            target = target[part]
        return _compile(target, root, refs + (ref,))
    if not all(key in _KNOWN or key.startswith("x-") for key in schema):
        raise _NoShortcut
    checks = [check for check in (_type_and_enum(schema), _numbers(schema), _strings(schema),
                                  _format(schema), _arrays(schema, root, refs),
                                  _objects(schema, root, refs)) if check is not None]
    checks += [_compile(part, root, refs) for part in schema.get("allOf", [])]
    return lambda value: all(check(value) for check in checks)


def _type_and_enum(schema: dict[str, Any]) -> Check | None:
    kind, enum = schema.get("type"), schema.get("enum")
    if kind is None and enum is None:
        return None
    if kind is not None and (not isinstance(kind, str) or kind not in _TYPES):
        raise _NoShortcut
    types = _TYPES.get(kind, ()) if kind is not None else ()
    nullable = bool(schema.get("nullable") or schema.get("x-nullable") is True)

    def passes(value: Any) -> bool:
        if value is None and nullable:
            return True
        if kind is not None and type(value) not in types:  # True is no integer here either
            return False
        return enum is None or any(type(option) is type(value) and option == value
                                   for option in enum)

    return passes


def _numbers(schema: dict[str, Any]) -> Check | None:
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is None and high is None:
        return None
    strict_low, strict_high = bool(schema.get("exclusiveMinimum")), \
        bool(schema.get("exclusiveMaximum"))

    def passes(value: Any) -> bool:
        if type(value) not in (int, float):  # JSON's other values, booleans included
            return True
        if low is not None and (value <= low if strict_low else value < low):
            return False
        return high is None or not (value >= high if strict_high else value > high)

    return passes


def _strings(schema: dict[str, Any]) -> Check | None:
    shortest, longest = schema.get("minLength"), schema.get("maxLength")
    pattern = ecma_pattern(schema["pattern"]) if "pattern" in schema else None
    if shortest is None and longest is None and pattern is None:
        return None

    def passes(value: Any) -> bool:
        if not isinstance(value, str):
            return True
        return not ((shortest is not None and len(value) < shortest)
                    or (longest is not None and len(value) > longest)
                    or (pattern is not None and not pattern.search(value)))

    return passes


def _format(schema: dict[str, Any]) -> Check | None:
    name = schema.get("format")
    if name is None or name not in _FORMATS.checkers:
        return None  # formats jsonschema does not know pass whatever the value
    return lambda value: _FORMATS.conforms(value, name)


def _arrays(schema: dict[str, Any], root: dict[str, Any], refs: tuple[str, ...]) -> Check | None:
    fewest, most, items = schema.get("minItems"), schema.get("maxItems"), schema.get("items")
    if fewest is None and most is None and items is None:
        return None
    item = _compile(items, root, refs) if items is not None else None

    def passes(value: Any) -> bool:
        if not isinstance(value, list):
            return True
        if (fewest is not None and len(value) < fewest) or (most is not None and len(value) > most):
            return False
        return item is None or all(item(entry) for entry in value)

    return passes


def _objects(schema: dict[str, Any], root: dict[str, Any], refs: tuple[str, ...]) -> Check | None:
    properties, required = schema.get("properties"), schema.get("required")
    extra = schema.get("additionalProperties", True)
    if properties is None and required is None and extra is True:
        return None
    known = {name: _compile(sub, root, refs) for name, sub in (properties or {}).items()}
    other = _compile(extra, root, refs) if isinstance(extra, dict) else None
    if not isinstance(extra, (bool, dict)):
        raise _NoShortcut

    def passes(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        if required and not all(name in value for name in required):
            return False
        for name, item in value.items():
            check = known.get(name)
            if check is not None:
                if not check(item):
                    return False
            elif extra is False or (other is not None and not other(item)):
                return False
        return True

    return passes

"""Checks compiled from schema definitions, once per definition: jsonschema validators and their
``quick_check`` shortcuts.

Connexion compiles a schema again for every request it validates; here each definition keeps its
compiled forms, keyed by the definition's identity. The definitions live as long as the app's
spec, and each cache entry holds its definition too, so an identity is never reused for another.
"""

from __future__ import annotations

import copy
from typing import Any, Callable, TypeVar

from jsonschema import Draft4Validator

from ..http.validation import ParameterSchemaValidator
from .quick_check import Check, quick_check

FORMAT_CHECKER = Draft4Validator.FORMAT_CHECKER

T = TypeVar("T")
_validators: dict[int, tuple[dict[str, Any], Draft4Validator]] = {}
_shortcuts: dict[int, tuple[dict[str, Any], Check | None]] = {}


def _kept(cache: dict[int, tuple[dict[str, Any], T]], definition: dict[str, Any],
          build: Callable[[dict[str, Any]], T]) -> T:
    cached = cache.get(id(definition))
    if cached is None or cached[0] is not definition:
        cached = cache[id(definition)] = (definition, build(definition))
    return cached[1]


def compiled_validator(definition: dict[str, Any],
                       kind: Any = ParameterSchemaValidator) -> Draft4Validator:
    """The jsonschema validator of a definition (``kind``: Connexion's request validator for
    bodies, ours for parameters: draft 4 with ECMA patterns)."""
    return _kept(_validators, definition,
                 lambda d: kind(copy.deepcopy(d), format_checker=FORMAT_CHECKER))


def shortcut(definition: dict[str, Any]) -> Check | None:
    """The definition's ``quick_check``, or None when it has none."""
    return _kept(_shortcuts, definition, quick_check)

"""Reading a client's JSON as the standard and the service's readers do.

Python's ``json`` module accepts more than JSON: ``NaN`` and ``Infinity``, numbers that overflow
a double (``1e999`` becomes infinity), strings holding a lone UTF-16 surrogate (``"\\ud800"``),
which no UTF-8 text can carry and which then fail wherever the value is written out, and nesting
as deep as the interpreter's stack (then a ``RecursionError``). The service, a .NET one, reads
with readers that refuse all of these, and that stop at 64 levels of nesting by default
(System.Text.Json's and Json.NET's ``MaxDepth``). ``read_json`` does the same, and says which
rule the text breaks.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from .errors import shown

MAX_DEPTH = 64

# A \u escape of a surrogate code point: only then can a decoded string hold a lone one.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class JSONRefused(ValueError):
    """Text that is not JSON the service would read; the message says why."""


def _no_constant(name: str) -> Any:
    raise JSONRefused(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise JSONRefused(f"the number {shown(text)} is beyond the range of a double")
    return value


_DECODER = json.JSONDecoder(parse_constant=_no_constant, parse_float=_finite)


def read_json(text: str | bytes) -> Any:
    """The JSON value of ``text`` (bytes are read as UTF-8); ``JSONRefused`` saying what is
    wrong when it is not JSON, nests deeper than ``MAX_DEPTH`` or holds a lone surrogate."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JSONRefused(f"not UTF-8 text: {exc.reason} at byte "
                              f"{exc.start}") from None
    try:
        value = _DECODER.decode(text)
    except JSONRefused:
        raise
    except RecursionError:
        raise JSONRefused(f"the JSON is nested deeper than {MAX_DEPTH} levels") from None
    except json.JSONDecodeError as exc:
        raise JSONRefused(f"not valid JSON: {exc.msg} (line {exc.lineno} "
                          f"column {exc.colno})") from None
    except ValueError as exc:  # an integer of more digits than Python converts
        raise JSONRefused(f"a number the service cannot read: "
                          f"{shown(str(exc))}") from None
    deep = text.count("[") + text.count("{") > MAX_DEPTH
    odd = _SURROGATE_ESCAPE.search(text) is not None or (
        not text.isascii() and _SURROGATE.search(text) is not None)
    if deep or odd:
        _check(value)
    return value


def _check(value: Any) -> None:
    """Walk the value (without recursion): its depth, and every key and string in it."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > MAX_DEPTH:
                raise JSONRefused(f"the JSON is nested deeper than {MAX_DEPTH} levels")
            if isinstance(item, dict):
                for key, inner in item.items():
                    _text(key)
                    stack.append((inner, depth + 1))
            else:
                stack.extend((inner, depth + 1) for inner in item)
        elif isinstance(item, str):
            _text(item)


def _text(text: str) -> None:
    found = _SURROGATE.search(text)
    if found is not None:
        raise JSONRefused(f"the text '{shown(text)}' holds a lone UTF-16 surrogate "
                          f"(U+{ord(found.group()):04X} at {found.start()}), which is not "
                          "Unicode text")

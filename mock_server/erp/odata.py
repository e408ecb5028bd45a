"""The ERP's query parameters: ``$filter`` (OData v3 conditions) and the field lists of
``$select``, ``$expand`` and ``$custom``.

A condition is parsed once into a predicate over a record's unwrapped view (linked entities
nested, custom fields under ``custom``). Text compares regardless of case, as the ERP's database
does; a date literal without an offset is UTC.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from .errors import invalid
from .values import parse_datetime

Record = dict[str, Any]
Getter = Callable[[Record], Any]
Predicate = Callable[[Record], bool]

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<typed>(?:datetimeoffset|datetime|date|guid|time)'(?:[^']|'')*')
    | (?P<string>'(?:[^']|'')*')
    | (?P<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?[mMlLdDfF]?)
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:[/.][A-Za-z_][A-Za-z0-9_]*)*)
    | (?P<punct>[(),=])
    )""", re.VERBOSE)

COMPARISONS = {"eq", "ne", "gt", "ge", "lt", "le"}
FUNCTIONS = {"startswith", "endswith", "substringof"}


def split_list(text: str | None, what: str) -> list[str]:
    """A comma-separated field list; a 400 for an empty name."""
    if not text:
        return []
    names = [part.strip() for part in text.split(",")]
    if any(not name for name in names):
        raise invalid(f"{what} has an empty name: '{text[:80]}'")
    return names


def _tokens(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise invalid(f"$filter cannot be read at position {position}: "
                          f"'{text[position:position + 30]}'")
        kind = match.lastgroup or ""
        found.append((kind, match.group(kind)))
        position = match.end()
    return found


class FilterParser:
    """Recursive descent over the tokens of one ``$filter``; ``field`` turns a field path
    (``MainContact/Email``, ``cf.String(f='View.Field')``) into a getter, or refuses it."""

    def __init__(self, text: str, field: Callable[[str], Getter]) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.at = 0
        self.field = field

    def parse(self) -> Predicate:
        if not self.tokens:
            raise invalid("$filter is empty")
        predicate = self._or()
        if self.at != len(self.tokens):
            raise invalid(f"$filter has more after a complete condition: "
                          f"'{self.tokens[self.at][1][:30]}'")
        return predicate

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _take(self, value: str | None = None) -> tuple[str, str]:
        token = self._peek()
        if token is None or (value is not None and token[1] != value):
            raise invalid(f"$filter expects {value or 'more'} "
                          f"{'at its end' if token is None else 'before ' + repr(token[1][:30])}")
        self.at += 1
        return token

    def _word(self, *words: str) -> bool:
        token = self._peek()
        return token is not None and token[0] == "name" and token[1] in words

    def _or(self) -> Predicate:
        parts = [self._and()]
        while self._word("or"):
            self._take()
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else (lambda r: any(p(r) for p in parts))

    def _and(self) -> Predicate:
        parts = [self._unary()]
        while self._word("and"):
            self._take()
            parts.append(self._unary())
        return parts[0] if len(parts) == 1 else (lambda r: all(p(r) for p in parts))

    def _unary(self) -> Predicate:
        if self._word("not"):
            self._take()
            inner = self._unary()
            return lambda r: not inner(r)
        token = self._peek()
        if token is not None and token[1] == "(":
            self._take("(")
            inner = self._or()
            self._take(")")
            return inner
        left = self._operand()
        if self._word(*COMPARISONS):
            op = self._take()[1]
            right = self._operand()
            return _compare(op, left, right)
        return lambda r: left(r) is True

    def _operand(self) -> Getter:
        kind, text = self._take()
        if kind == "string":
            value: Any = text[1:-1].replace("''", "'")
            return lambda r: value
        if kind == "typed":
            prefix, _, quoted = text.partition("'")
            literal = quoted[:-1].replace("''", "'")
            if prefix in ("datetimeoffset", "datetime", "date"):
                try:
                    moment = parse_datetime(literal)
                except ValueError:
                    raise invalid(f"$filter: '{literal[:40]}' is not a date") from None
                return lambda r: moment
            return lambda r: literal
        if kind == "number":
            digits = text.rstrip("mMlLdDfF")
            number: float = float(digits) if any(c in digits for c in ".eE") else int(digits)
            return lambda r: number
        if kind == "name":
            if text in ("true", "false"):
                flag = text == "true"
                return lambda r: flag
            if text == "null":
                return lambda r: None
            if text in FUNCTIONS:
                return self._function(text)
            if text.startswith("cf.") and self._peek() == ("punct", "("):
                return self._custom(text)
            return self.field(text)
        raise invalid(f"$filter expects a field or a value before '{text}'")

    def _function(self, name: str) -> Getter:
        self._take("(")
        first = self._operand()
        self._take(",")
        second = self._operand()
        self._take(")")
        if name == "substringof":  # substringof('needle', Field)
            return lambda r: _text_test(second(r), first(r), lambda h, n: n in h)
        test: Callable[[str, str], bool] = (str.startswith if name == "startswith"
                                            else str.endswith)
        return lambda r: _text_test(first(r), second(r), test)

    def _custom(self, name: str) -> Getter:
        self._take("(")
        kind, text = self._take()
        if kind != "name" or text != "f":
            raise invalid("$filter: a custom field is written cf.Type(f='View.Field')")
        self._take("=")
        kind, quoted = self._take()
        if kind != "string":
            raise invalid("$filter: a custom field is written cf.Type(f='View.Field')")
        self._take(")")
        return self.field("custom:" + quoted[1:-1])


def _text_test(haystack: Any, needle: Any, test: Callable[[str, str], bool]) -> bool:
    if not isinstance(haystack, str) or not isinstance(needle, str):
        return False
    return test(haystack.casefold(), needle.casefold())


def _comparable(value: Any) -> Any:
    if isinstance(value, str):
        return value.casefold()
    return value


def _compare(op: str, left: Getter, right: Getter) -> Predicate:
    def predicate(record: Record) -> bool:
        a, b = left(record), right(record)
        if isinstance(a, datetime) and isinstance(b, str):
            b = _as_date(b)
        elif isinstance(b, datetime) and isinstance(a, str):
            a = _as_date(a)
        if op == "eq":
            return _comparable(a) == _comparable(b)
        if op == "ne":
            return _comparable(a) != _comparable(b)
        if a is None or b is None:
            return False
        a, b = _comparable(a), _comparable(b)
        try:
            if op == "gt":
                return bool(a > b)
            if op == "ge":
                return bool(a >= b)
            if op == "lt":
                return bool(a < b)
            return bool(a <= b)
        except TypeError:
            return False
    return predicate


def _as_date(value: str) -> Any:
    try:
        return parse_datetime(value)
    except ValueError:
        return value

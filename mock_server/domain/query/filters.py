"""The service's filter language, parsed into a predicate over stored documents.

Grammar (keywords are case-insensitive)::

    expr       := and_expr ("or" and_expr)*
    and_expr   := term ("and" term)*
    term       := "(" expr ")" | comparison
    comparison := field op value
    op         := eq | ne | gt | lt | ge | le | sw | cont | in
    value      := 'quoted' | "quoted" | bare-word | "[" value ("," value)* "]"

``and`` binds tighter than ``or``. Field names ignore case, and the service's flattened audit
names (``createDate``, ``createBy``, ``updateDate``, ``updateBy``) read the document's
``auditInfo``. Values are read by the field's type in the spec: booleans take ``true``/``false``,
numbers must be numeric, dates are ISO 8601, and ``null`` matches a missing value. Every
comparison of text ignores case (case-folded), as the service's uniqueness rules do.
Every mistake raises :class:`FilterError` with a message naming what is wrong.

A parsed :class:`Filter` decides whether a document matches, and can also say, given the store's
indexes, which documents can match at all (``candidates``): ``eq``, ``in`` and ``sw`` on an
indexed field narrow the search, ``and`` intersects what its parts narrow, ``or`` unites them
when every part narrows. A list then tests only those documents instead of every one.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ..errors import shown

Predicate = Callable[[dict[str, Any]], bool]
# What the store's indexes say of one comparison (field, operator, values): the ids of the
# documents that may match it (a superset of those that do), or None when no index can tell.
IndexLookup = Callable[[str, str, list[Any]], "set[int] | None"]
Narrowing = Callable[[IndexLookup], "set[int] | None"]

OPERATORS = ("eq", "ne", "gt", "lt", "ge", "le", "sw", "cont", "in")
# The service's flattened names for the audit block: ``createDate desc`` sorts by
# ``auditInfo.createDate``.
AUDIT_FIELDS = ("createBy", "createDate", "updateBy", "updateDate")
_NULL = object()
MAX_DEPTH = 32


class FilterError(ValueError):
    """A filter that cannot be parsed or names something unknown."""


@dataclass
class Token:
    kind: str  # "word", "string", "(", ")", "[", "]", ","
    text: str
    pos: int


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()[],":
            tokens.append(Token(ch, ch, i))
            i += 1
        elif ch in "'\"":
            start, i, chars = i, i + 1, []
            while True:
                if i >= n:
                    raise FilterError(f"unterminated string starting at position {start}")
                c = text[i]
                if c == "\\" and i + 1 < n:
                    chars.append(text[i + 1])
                    i += 2
                elif c == ch:
                    if i + 1 < n and text[i + 1] == ch:  # doubled quote: a literal quote
                        chars.append(ch)
                        i += 2
                    else:
                        i += 1
                        break
                else:
                    chars.append(c)
                    i += 1
            tokens.append(Token("string", "".join(chars), start))
        else:
            start = i
            while i < n and not text[i].isspace() and text[i] not in "()[],'\"":
                i += 1
            tokens.append(Token("word", text[start:i], start))
    return tokens


_FRACTION = re.compile(r"(\.\d{6})\d+")


def parse_datetime(value: str) -> datetime:
    """An ISO 8601 date or date-time; naive values are taken as UTC.

    Python reads at most microseconds, so finer fractions are cut; a lower-case ``t``/``z``
    (allowed by RFC 3339) is read like the upper-case one; a day past the end of its month
    (``2023-02-30``) reads as the month's last day, so that every date the spec's pattern
    allows is one the filter can compare.
    """
    text = value.strip()
    if len(text) > 10 and text[10] == "t":
        text = text[:10] + "T" + text[11:]
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    text = _FRACTION.sub(r"\1", text)
    text = _clamp_day(text)
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def _clamp_day(text: str) -> str:
    match = _DATE.match(text)
    if match is None:
        return text
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12 or day <= 28:
        return text
    last = calendar.monthrange(year, month)[1] if year >= 1 else 31
    return text if day <= last else f"{year:04d}-{month:02d}-{last:02d}" + text[10:]


def field_path(name: str) -> tuple[str, ...]:
    """Where a filterable or sortable field is read in a document."""
    if name in AUDIT_FIELDS:
        return ("auditInfo", name)
    return tuple(name.split("."))


def _lookup(doc: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = doc
    for part in path:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _anything(_index: IndexLookup) -> None:
    return None


class Filter:
    """A parsed filter: ``matches`` (also the filter's call) tells whether a document matches;
    ``candidates`` which documents the indexes say can match, or None to test them all."""

    __slots__ = ("matches", "_narrowing")

    def __init__(self, matches: Predicate, narrowing: Narrowing = _anything) -> None:
        self.matches = matches
        self._narrowing = narrowing

    def __call__(self, doc: dict[str, Any]) -> bool:
        return self.matches(doc)

    def candidates(self, index: IndexLookup) -> set[int] | None:
        return self._narrowing(index)


class _Parser:
    def __init__(self, text: str, fields: dict[str, str]) -> None:
        self.text = text
        self.fields = fields
        self.lower_fields = {name.lower(): name for name in fields}
        self.tokens = tokenize(text)
        self.pos = 0
        self.depth = 0

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise FilterError("unexpected end of filter")
        self.pos += 1
        return token

    def keyword(self, word: str) -> bool:
        token = self.peek()
        if token is not None and token.kind == "word" and token.text.lower() == word:
            self.pos += 1
            return True
        return False

    def parse(self) -> Filter:
        if not self.tokens:
            raise FilterError("the filter is empty")
        predicate = self.expr()
        extra = self.peek()
        if extra is not None:
            raise FilterError(f"unexpected '{shown(extra.text)}' at position {extra.pos}")
        return predicate

    def expr(self) -> Filter:
        parts = [self.and_expr()]
        while self.keyword("or"):
            parts.append(self.and_expr())
        return _either(parts)

    def and_expr(self) -> Filter:
        parts = [self.term()]
        while self.keyword("and"):
            parts.append(self.term())
        return _both(parts)

    def term(self) -> Filter:
        token = self.take()
        if token.kind == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise FilterError(f"parentheses nested deeper than {MAX_DEPTH} levels")
            inner = self.expr()
            self.depth -= 1
            closing = self.peek()
            if closing is None or closing.kind != ")":
                raise FilterError(f"missing ')' for the '(' at position {token.pos}")
            self.pos += 1
            return inner
        if token.kind != "word":
            raise FilterError(f"expected a field name at position {token.pos}, got '{shown(token.text)}'")
        return self.comparison(token)

    def comparison(self, field_token: Token) -> Filter:
        name = self.lower_fields.get(field_token.text.lower())
        if name is None:
            known = ", ".join(sorted(self.fields))
            raise FilterError(f"unknown field '{shown(field_token.text)}' (known fields: {known})")
        op_token = self.peek()
        if op_token is None or op_token.kind != "word" or op_token.text.lower() not in OPERATORS:
            got = "the end of the filter" if op_token is None else f"'{shown(op_token.text)}'"
            raise FilterError(f"expected an operator ({', '.join(OPERATORS)}) after "
                              f"'{shown(field_token.text)}', got {got}")
        self.pos += 1
        op = op_token.text.lower()
        kind = self.fields[name]
        if op == "in":
            values = [self.convert(t, name, kind) for t in self.value_list()]
        else:
            values = [self.convert(self.scalar_token(name), name, kind)]
        if op in ("sw", "cont") and kind != "string":
            raise FilterError(f"operator '{op}' needs a text field; '{name}' is {kind}")
        if op in ("gt", "lt", "ge", "le", "sw", "cont") and values[0] is _NULL:
            raise FilterError(f"operator '{op}' cannot compare with null")
        path = field_path(name)
        return Filter(_compile(path, op, kind, values), _narrowing(path, op, values))

    def scalar_token(self, name: str) -> Token:
        token = self.peek()
        if token is None or token.kind not in ("word", "string"):
            got = "the end of the filter" if token is None else f"'{shown(token.text)}'"
            raise FilterError(f"expected a value for '{name}', got {got}")
        self.pos += 1
        return token

    def value_list(self) -> list[Token]:
        opening = self.take()
        if opening.kind != "[":
            raise FilterError(f"operator 'in' needs a list in brackets at position {opening.pos}")
        items: list[Token] = []
        while True:
            token = self.take()
            if token.kind == "]" and not items:
                break
            if token.kind not in ("word", "string"):
                raise FilterError(f"expected a list value at position {token.pos}")
            items.append(token)
            sep = self.take()
            if sep.kind == "]":
                break
            if sep.kind != ",":
                raise FilterError(f"expected ',' or ']' at position {sep.pos}")
        return items

    def convert(self, token: Token, name: str, kind: str) -> Any:
        text = token.text
        if token.kind == "word" and text.lower() == "null":
            return _NULL
        try:
            if kind == "boolean":
                if text.lower() in ("true", "false"):
                    return text.lower() == "true"
                raise ValueError
            if kind == "integer":
                return int(text)
            if kind == "number":
                return float(text)
            if kind == "date-time":
                return parse_datetime(text)
        except ValueError:
            expected = {"boolean": "true or false", "integer": "a whole number",
                        "number": "a number", "date-time": "an ISO 8601 date"}[kind]
            raise FilterError(f"'{name}' takes {expected}, got '{shown(text)}'") from None
        return text


def _all_of(parts: list[Predicate]) -> Predicate:
    if len(parts) == 1:
        return parts[0]
    first, rest = parts[0], _all_of(parts[1:])
    return lambda doc: first(doc) and rest(doc)


def _any_of(parts: list[Predicate]) -> Predicate:
    if len(parts) == 1:
        return parts[0]
    first, rest = parts[0], _any_of(parts[1:])
    return lambda doc: first(doc) or rest(doc)


def _both(parts: list[Filter]) -> Filter:
    if len(parts) == 1:
        return parts[0]

    def narrowing(index: IndexLookup) -> set[int] | None:
        """What every narrowing part allows (a part that cannot narrow allows everything)."""
        found: set[int] | None = None
        for part in parts:
            ids = part.candidates(index)
            if ids is not None:
                found = ids if found is None else found & ids
                if not found:
                    break
        return found
    return Filter(_all_of([p.matches for p in parts]), narrowing)


def _either(parts: list[Filter]) -> Filter:
    if len(parts) == 1:
        return parts[0]

    def narrowing(index: IndexLookup) -> set[int] | None:
        """What any part allows, when every part narrows."""
        found: set[int] = set()
        for part in parts:
            ids = part.candidates(index)
            if ids is None:
                return None
            found |= ids
        return found
    return Filter(_any_of([p.matches for p in parts]), narrowing)


def _narrowing(path: tuple[str, ...], op: str, values: list[Any]) -> Narrowing:
    """How an index can narrow one comparison: ``eq``, ``in`` and ``sw`` on a top-level field
    (the indexes leave missing values out, so a comparison with null cannot use them)."""
    if op == "in" and not values:
        return lambda index: set()  # an empty list matches nothing
    if len(path) != 1 or op not in ("eq", "in", "sw") or any(v is _NULL for v in values):
        return _anything
    field = path[0]
    return lambda index: index(field, op, values)


def _folded(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _reader(path: tuple[str, ...], kind: str) -> Callable[[dict[str, Any]], Any]:
    """How a comparison reads its field: text case-folded, dates parsed, the rest as stored."""
    if kind == "string":
        if len(path) == 1:
            key = path[0]
            return lambda doc: _folded(doc.get(key))
        return lambda doc: _folded(_lookup(doc, path))
    if kind != "date-time":
        if len(path) == 1:
            key = path[0]
            return lambda doc: doc.get(key)
        return lambda doc: _lookup(doc, path)

    def read_date(doc: dict[str, Any]) -> Any:
        value = _lookup(doc, path)
        try:
            return parse_datetime(value) if value is not None else None
        except (TypeError, ValueError):
            return None
    return read_date


def _compile(path: tuple[str, ...], op: str, kind: str, values: list[Any]) -> Predicate:
    read = _reader(path, kind)
    if kind == "string":
        values = [v if v is _NULL else _folded(v) for v in values]
    value = values[0] if values else None
    if op in ("eq", "ne"):
        target = None if value is _NULL else value
        if op == "eq":
            return lambda doc: read(doc) == target
        return lambda doc: read(doc) != target
    if op == "in":
        targets = [None if v is _NULL else v for v in values]
        return lambda doc: read(doc) in targets
    if op in ("sw", "cont"):
        needle = str(value)
        if op == "sw":
            return lambda doc: isinstance(v := read(doc), str) and v.startswith(needle)
        return lambda doc: isinstance(v := read(doc), str) and needle in v
    compare = {"gt": lambda a: a > value, "lt": lambda a: a < value,
               "ge": lambda a: a >= value, "le": lambda a: a <= value}[op]

    def ordered(doc: dict[str, Any]) -> bool:
        current = read(doc)
        if current is None:
            return False
        try:
            return bool(compare(current))
        except TypeError:
            return False
    return ordered


def parse_filter(text: str, fields: dict[str, str]) -> Filter:
    """Compile ``text`` into a predicate over documents whose fields and types are ``fields``."""
    return _Parser(text, fields).parse()


_SORT_RE = re.compile(r"^\s*(\S+)(?:\s+(\S+))?\s*$")


def parse_sort(text: str, fields: dict[str, str]) -> list[tuple[str, bool]]:
    """``"a asc, b desc"`` into ``[("a", False), ("b", True)]`` (field, descending)."""
    lower_fields = {name.lower(): name for name in fields}
    keys: list[tuple[str, bool]] = []
    for part in text.split(","):
        if not part.strip():
            continue
        match = _SORT_RE.match(part)
        if match is None:
            raise FilterError(f"cannot read sort clause '{shown(part.strip())}'; use 'field asc|desc'")
        field, direction = match.group(1), (match.group(2) or "asc").lower()
        name = lower_fields.get(field.lower())
        if name is None:
            raise FilterError(f"cannot sort by unknown field '{shown(field)}' "
                              f"(known fields: {', '.join(sorted(fields))})")
        if direction not in ("asc", "desc"):
            raise FilterError(f"sort direction must be asc or desc, got '{shown(direction)}'")
        keys.append((name, direction == "desc"))
    return keys
